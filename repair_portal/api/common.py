"""What every HTTP route shares: file and refusal responses, the client's address, ids from paths."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..integrations.pdf_cache import PdfCache
from ..services.ids import parse_id

PDF_LAYOUTS = {"a4", "letter", "receipt80"}


def pdf_cache() -> PdfCache:
    """The PDF cache of this installation's data dir (one per process and folder)."""
    from ..settings import get_settings

    settings = get_settings()
    return _pdf_cache(settings.pdf_cache_dir, settings.pdf_cache_mb)


@lru_cache(maxsize=4)
def _pdf_cache(root: Path, max_mb: int) -> PdfCache:
    return PdfCache(root, max_bytes=max_mb * 1024 * 1024)


def file_response(body: bytes, media_type: str, filename: str, *, inline: bool = True) -> Response:
    disposition = "inline" if inline else "attachment"
    safe_name = "".join(ch for ch in filename if ch.isascii() and (ch.isalnum() or ch in "._- "))[:80] or "file"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{safe_name}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def read_stored(path: Path) -> bytes | None:
    """A stored file's bytes, or None when it is gone from disk (its row still there): the route answers
    404 then, never 500, also when it vanishes between a check and the read. Blocking: run in a thread."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


MISSING_FILE = "That file is missing; please ask the shop"


def denied(status: int = 403, text: str = "Not allowed") -> Response:
    return PlainTextResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


def client_of(request: Request) -> tuple[str, str]:
    """(IP, user agent) as the audit trail and the rate limits record them."""
    return (request.client.host if request.client else ""), request.headers.get("user-agent", "")[:400]


def path_id(request: Request, name: str) -> int | None:
    """An id from the URL through the one shared parser: None (→ 404) for '²', 40 digits, -1..."""
    return parse_id(request.path_params.get(name))


def from_our_pages(request: Request) -> bool:
    """A form post made by our own pages, not by another site (login CSRF, forced sign-out).

    `Sec-Fetch-Site` is set by the browser and can't be forged by a page; Origin would read
    "null" here because every page sends `Referrer-Policy: no-referrer`. Clients that send no
    fetch metadata (scripts, old browsers) are let through: the cookies' SameSite still holds.
    """
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")

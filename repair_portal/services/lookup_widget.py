"""The "find my repair" widget for the shop's own website: which sites may frame `/lookup`, and the
snippets staff paste into their site.

Origins end up inside a Content-Security-Policy header (`frame-ancestors 'self' <origins>`), so each
one is checked strictly (scheme, host, optional port; nothing else): a stray `;` or quote would
otherwise add a directive of the typer's choosing. They are checked again when the header is built.
"""

from __future__ import annotations

import html
import re

MAX_ORIGINS = 20
_ORIGIN = re.compile(
    r"^(https?)://"
    r"(localhost|\d{1,3}(\.\d{1,3}){3}|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|[a-z0-9-]{1,63})"
    r"(:(\d{1,5}))?$",
    re.ASCII,
)
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}", re.ASCII)


def normalise_origin(line: str) -> str | None:
    """'HTTPS://Shop.Example/' -> 'https://shop.example'; None for anything that isn't an origin."""
    text = line.strip()
    if text.endswith("/") and text.count("/") == 3:  # "https://shop.example/": the origin's own root
        text = text[:-1]
    match = _ORIGIN.fullmatch(text.lower())
    if match is None:
        return None
    host, port = match.group(2), match.group(7)
    if port is not None and not 0 < int(port) <= 65535:
        return None
    if _IPV4.fullmatch(host) and any(int(part) > 255 for part in host.split(".")):
        return None
    return match.group(0)


def parse_origins(text: str) -> tuple[list[str], list[str]]:
    """(origins, lines that aren't origins), one per line, duplicates and blank lines dropped."""
    origins: list[str] = []
    bad: list[str] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        origin = normalise_origin(line)
        if origin is None:
            bad.append(line.strip()[:80])
        elif origin not in origins:
            origins.append(origin)
    return origins, bad


def validate_origins(text: str) -> str:
    """A message for the settings form, or "" when the list can be saved."""
    origins, bad = parse_origins(text)
    if bad:
        return (
            f"“{bad[0]}” isn't a website address. Use one per line, like https://www.myshop.co.uk "
            "(the scheme and the host, with a :port if it has one; no page path)."
        )
    if len(origins) > MAX_ORIGINS:
        return f"List at most {MAX_ORIGINS} websites."
    return ""


def allowed_frame_origins(stored: str) -> list[str]:
    """The stored list as the security header uses it: only lines that are origins, at most MAX_ORIGINS."""
    return parse_origins(stored)[0][:MAX_ORIGINS]


def frame_ancestors(stored: str) -> str:
    """The CSP directive for the lookup page: our own site and the shop's listed websites."""
    return " ".join(["frame-ancestors 'self'", *allowed_frame_origins(stored)])


def iframe_snippet(public_url: str) -> str:
    src = html.escape(public_url.rstrip("/") + "/lookup?embed=1", quote=True)
    return (
        f'<iframe src="{src}" title="Find my repair" width="100%" height="440" '
        'style="border:0;max-width:28rem" loading="lazy"></iframe>'
    )


def form_snippet(public_url: str) -> str:
    action = html.escape(public_url.rstrip("/") + "/api/lookup", quote=True)
    return "\n".join(
        [
            f'<form action="{action}" method="post">',
            '  <label for="repair-reference">Order reference</label>',
            '  <input id="repair-reference" name="reference" placeholder="R-10042" required autocomplete="off">',
            '  <label for="repair-last-name">Last name</label>',
            '  <input id="repair-last-name" name="last_name" required autocomplete="family-name">',
            '  <button type="submit">Find my repair</button>',
            "</form>",
        ]
    )

"""A portal user requests a job from their account. The handler has checked the session and the group's
"orders.request" (state/guard.py); the account and the user are the session's, never the form's.

The form is checked first (nothing stored for a refused request), then the photos are checked by content
and stored (outside the transaction: decoding takes a while), then one transaction creates the order at
the Requested stage, attaches the photos (customer-visible), queues the shop's email and raises the staff
alert. Files of a request that isn't written are removed again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..db import session_scope, write_session
from ..models import AlertKind, Attachment
from ..services import alerts, attachments, audit, job_requests, notifications
from ..services.job_requests import NewDevice, RequestError
from ..settings import get_settings
from . import Outcome, links

MAX_PHOTOS = 10  # per request; each file and the order's total are capped by services/attachments.py


@dataclass(frozen=True)
class RequestForm:
    """The request as the handler read it: ids already parsed with the shared id parser (None: none or
    malformed), `new_device` None when an existing asset was chosen."""

    site_id: int | None
    job_type: str
    device_id: int | None
    new_device: NewDevice | None
    description: str
    preferred_date: str
    po_number: str


def _refused(exc: RequestError) -> Outcome:
    if exc.errors:
        return Outcome(False, "Check the highlighted fields.", "form", errors=exc.errors)
    return Outcome(False, str(exc), "error")


def _discard(files_dir: Path, items: list[Attachment]) -> None:
    for item in items:
        (files_dir / item.storage_name).unlink(missing_ok=True)


def _prepare(files_dir: Path, received: list[tuple[str, bytes]]) -> tuple[list[Attachment], list[str]]:
    """Every photo or PDF checked by content and stored (EXIF stripped from photos); messages for refusals."""
    items, problems = [], []
    for filename, data in received:
        try:
            items.append(attachments.prepare(files_dir, filename, data))
        except attachments.AttachmentError as exc:
            problems.append(str(exc))
    return items, problems


def request_job(
    files_dir: Path,
    *,
    user_id: int,
    customer_id: int,
    form: RequestForm,
    received: list[tuple[str, bytes]],
    actor: audit.Actor,
) -> Outcome:
    """Blocking (Pillow, disk, database): run it in a worker thread. The outcome carries the new order's id."""
    fields = dict(
        identity_user_id=user_id,
        customer_id=customer_id,
        site_id=form.site_id,
        job_type=form.job_type,
        device_id=form.device_id,
        new_device=form.new_device,
        description=form.description,
        preferred_date=form.preferred_date or None,
        po_number=form.po_number,
    )
    try:
        with session_scope() as session:  # a quick look first: no photo is decoded for a refused form
            job_requests.check_request(session, **fields)
    except RequestError as exc:
        return _refused(exc)
    if len(received) > MAX_PHOTOS:
        return Outcome(
            False,
            "Check the highlighted fields.",
            "form",
            errors={"photos": f"Attach at most {MAX_PHOTOS} photos or PDFs."},
        )
    items, problems = _prepare(files_dir, received)
    if problems:
        _discard(files_dir, items)
        return Outcome(False, "Check the highlighted fields.", "form", errors={"photos": " ".join(problems)})
    try:
        with write_session() as session:
            order = job_requests.request_job(session, get_settings().secret_key, **fields, actor=actor)
            for item in items:
                attachments.attach(session, order, item, visible=True, actor=actor)
            mail_queued = notifications.job_requested(session, links(), order, actor)
            alerts.record(session, order, AlertKind.REQUEST, _summary(order))
            order_id, reference = order.id, order.reference
    except RequestError as exc:  # something changed since the first look (a site deactivated...)
        _discard(files_dir, items)
        return _refused(exc)
    except attachments.AttachmentError as exc:
        _discard(files_dir, items)
        return Outcome(False, "Check the highlighted fields.", "form", errors={"photos": str(exc)})
    except BaseException:
        _discard(files_dir, items)
        raise
    note = "" if mail_queued else " (the shop will see it on their board)"
    return Outcome(
        True,
        f"Request {reference} sent. The shop will confirm it shortly{note}.",
        changed="board",
        order_id=order_id,
        alert=True,
    )


def _summary(order) -> str:
    parts = [order.job_type or "Job", order.problem]
    return ": ".join(p for p in parts if p)[:300]

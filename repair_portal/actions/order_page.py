"""What staff do on one order's page."""

from __future__ import annotations

from ..db import write_session
from ..models import Customer, Order
from ..services import (
    attachments,
    audit,
    messages,
    notifications,
    payments,
    portal_links,
    price_list,
    quote_builder,
    quote_decisions,
    quotes,
    signatures,
    sms,
    sms_replies,
    workflow,
)
from ..services.mail import NotSent
from ..services.text_input import clean_text
from ..settings import get_settings
from . import GONE, Outcome, done, links, refused


def change_stage(order_id: int, stage_id: int | None, shown_stage_id: str, actor: audit.Actor) -> Outcome:
    """Move the order on; refused when someone else moved it since the page was drawn."""
    if stage_id is None:
        return refused("Choose a stage.")
    with write_session() as session:
        try:
            order, stage, _ = workflow.move(session, order_id, stage_id, shown_stage_id, actor)
        except LookupError as exc:
            return refused(str(exc))
        except workflow.MovedMeanwhile as exc:
            return refused(str(exc), level="warning", stale=True)
        except workflow.StageChangeError as exc:
            return refused(str(exc))
        emailed = notifications.stage_changed(session, links(), order, stage, actor)
    tail = " — customer emailed." if emailed else "."
    return done(f"Moved to “{stage.name}”{tail}", changed="stage", order_id=order_id)


def record_payment(order_id: int, form: dict, actor: audit.Actor, engine=None) -> Outcome:
    """A payment, or a refund (a negative amount) when the form says so. Form errors come back as
    a refusal whose message belongs beside the form. The form's `key` (drawn with the form) makes a
    retried or double click record once: the repeat answers "Already recorded"."""
    refund = str(form.get("refund", "")).lower() in {"on", "true", "1"}
    key = str(form.get("key", ""))
    if not payments.valid_payment_key(key):
        return refused("This payment form is out of date: reload the page and enter the payment again.", level="form")
    try:
        amount = quote_builder.parse_price(clean_text(form.get("amount", ""), "The amount", 20))
        with write_session(engine) as session:
            order = session.get(Order, order_id)
            if order is None:
                return refused(GONE)
            payments.record_payment(
                session,
                order,
                -amount if refund else amount,
                str(form.get("method", "card")),
                actor,
                reference=str(form.get("reference", "")),
                note=str(form.get("note", "")),
                idempotency_key=key,
            )
    except payments.AlreadyRecorded as exc:
        return done(str(exc), level="info", changed="payments", order_id=exc.order_id)
    except (quote_builder.QuoteFormError, payments.PaymentError, ValueError) as exc:
        return refused(str(exc) or "Check the amount.", level="form")
    return done("Refund recorded." if refund else "Payment recorded.", changed="payments", order_id=order_id)


def staff_reply(order_id: int, body: str, author: str, actor: audit.Actor) -> Outcome:
    """The reply goes into the thread and to the customer by email, and by text too when the customer's
    last message here came by text (never after their STOP): services/sms_replies.py."""
    body = str(body)  # services/messages.py refuses an over-long one with a message (never cut)
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        by_text = sms_replies.reply_by_text(session, order)
        try:
            message = messages.post_staff_reply(
                session, order.id, body, author, actor, channel=sms_replies.SMS if by_text else "portal"
            )
        except messages.MessageError as exc:
            return refused(str(exc))
        emailed = notifications.staff_reply(session, links(), order, actor, body)
        if by_text:
            by_text = _text_reply(session, order.id, message, actor)
    said = ("Reply sent by text and email." if emailed else "Reply sent by text.") if by_text else "Reply sent."
    return done(said, changed="messages", order_id=order_id)


def _staff_id(actor: audit.Actor) -> int | None:
    return actor.id if actor.kind == "staff" else None


def _text_reply(session, order_id: int, message, actor: audit.Actor) -> bool:
    """Queue the reply as a text (an answer to their own text: explicit, no quiet hours); a number that
    can't be texted after all leaves the message marked as sent on the portal (sms.skipped is audited)."""
    try:
        sms.queue_order_text(
            session, links(), "staff_reply", order_id, actor,
            explicit=True, extra={"message": message.body}, staff_user_id=_staff_id(actor),
        )  # fmt: skip
    except sms.NotTexted:
        message.channel = "portal"
        session.add(message)
        return False
    return True


def send_portal_link(order_id: int, actor: audit.Actor) -> Outcome:
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        try:
            notifications.send_portal_link(session, links(), order, actor)
        except NotSent as exc:
            return refused(f"Not sent: {exc}")
    return done("Portal link queued.")


def rotate_link(order_id: int, actor: audit.Actor) -> Outcome:
    """A new link (new QR); the old one and every remembered device stop working."""
    with write_session() as session:
        order = session.get(Order, order_id)
        if order is None:
            return refused(GONE)
        portal_links.issue_link(session, get_settings().secret_key, order, actor)
    return done(
        "New link issued. The old link no longer works; print a new ticket if needed.",
        changed="link",
        order_id=order_id,
    )


def revoke_link(order_id: int, actor: audit.Actor) -> Outcome:
    """The portal off for this order (e.g. a link sent to the wrong person) until a new link is issued."""
    with write_session() as session:
        if session.get(Order, order_id) is None:
            return refused(GONE)
        count = portal_links.revoke(session, order_id, actor)
    if not count:
        return done("There was no live link to revoke.", level="info", changed="link", order_id=order_id)
    return done(
        "Link revoked. The customer can't open the portal until you issue a new link.",
        changed="link",
        order_id=order_id,
    )


def set_file_visibility(order_id: int, attachment_id: int | None, visible: bool, actor: audit.Actor) -> Outcome:
    try:
        with write_session() as session:
            attachments.set_visibility(session, order_id, attachment_id or 0, visible, actor)
    except (attachments.AttachmentError, TypeError, ValueError) as exc:
        return refused(str(exc) or "That file no longer exists.")
    return done(changed="files", order_id=order_id)


def add_files(files_dir, order_id: int, received: list[tuple[str, bytes]], visible: bool, actor) -> Outcome:
    """Every file checked on its own (photos decoded and re-encoded); `detail` says what was refused."""
    result = attachments.add_many(files_dir, order_id, received, visible, actor)
    if result is None:
        return refused(GONE)
    added, errors = result
    detail = " ".join(errors)
    if not added:
        return Outcome(False, "Nothing was added.", "error", detail=detail)
    return Outcome(
        True, f"Added {added} file{'s' if added != 1 else ''}.", changed="files", order_id=order_id, detail=detail
    )


QUOTE_FORM_ERRORS = (quote_builder.QuoteFormError, quotes.QuoteError, quote_decisions.DecisionError)


def save_quote_draft(order_id: int, rows: list[quote_builder.FormLine], actor: audit.Actor) -> Outcome:
    """Keep the quote being built; the customer sees nothing until it is sent."""
    try:
        with write_session() as session:
            order = session.get(Order, order_id)
            if order is None:
                return refused(GONE)
            version = quote_builder.save_draft(session, order, rows, actor)
    except QUOTE_FORM_ERRORS as exc:
        return refused(str(exc), level="form")
    return done(f"Draft v{version} saved. The customer sees nothing until you send it.")


def send_quote(order_id: int, rows: list[quote_builder.FormLine], actor: audit.Actor) -> Outcome:
    """Send the quote as a new version (signed versions stay as they were), move the order to
    awaiting approval, email the customer."""
    try:
        with write_session() as session:
            order = session.get(Order, order_id)
            if order is None:
                return refused(GONE)
            version, moved = quote_builder.send_new_quote(session, order, rows, actor)
            emailed = notifications.quote_sent(session, links(), order, actor)
    except QUOTE_FORM_ERRORS as exc:
        return refused(str(exc), level="form")
    text = f"Quote v{version} sent" + (" and the order moved to Awaiting approval." if moved else ".")
    return done(text + (" Customer emailed." if emailed else ""), changed="quote", order_id=order_id)


def add_price_list_item(order_id: int, item_id: int | None, actor: audit.Actor) -> Outcome:
    """A price-list item as a new line of the order's draft quote (a copy of today's price)."""
    try:
        with write_session() as session:
            order = session.get(Order, order_id)
            if order is None:
                return refused(GONE)
            added = price_list.add_to_quote(session, order, item_id, actor)
    except (*QUOTE_FORM_ERRORS, price_list.PriceListError) as exc:
        return refused(str(exc))
    started = f" (a new draft, from v{added.started_from})" if added.started_from else ""
    return done(
        f"Added “{added.description}” to draft v{added.version}{started}. The customer sees nothing until you send it."
    )


# Approvals go through the confirmation (record_staff_approval): it asks who approved and which extras.
STAFF_DECISIONS = {"phone-no": (False, "phone")}
STAFF_CHANNEL_LABELS = {"phone": "by phone", "in_person": "at the counter"}


def record_staff_decision(order_id: int, quote_version: int, decision: str, actor: audit.Actor) -> Outcome:
    """The customer declined by phone; the channel and staff member are recorded."""
    if decision not in STAFF_DECISIONS:
        return refused("Choose what the customer decided.")
    approved, channel = STAFF_DECISIONS[decision]
    with write_session() as session:
        order = session.get(Order, order_id)
        customer = session.get(Customer, order.customer_id) if order else None
        if order is None or customer is None:
            return refused(GONE)
        try:
            quote_decisions.record_decision_by_staff(
                session,
                order.id,
                quote_version,
                approved,
                channel,
                customer.full_name,
                actor,
                reason="Told us by phone" if not approved else "",
            )
        except quote_decisions.DecisionError as exc:
            return refused(str(exc))
    return done("Decision recorded.", changed="quote", order_id=order_id)


def record_staff_approval(
    order_id: int,
    quote_version: int,
    channel: str,
    approver: str,
    included: dict[int, bool],
    note: str,
    actor: audit.Actor,
) -> Outcome:
    """The customer approved by phone or at the counter, as confirmed in the dialog: who said yes,
    which optional items they want, the shop's note. A second click finds it already approved."""
    try:
        signatures.validate_signer_name(approver)
    except signatures.SignerNameTooLong as exc:  # says the limit, rather than "type the name"
        return Outcome(False, "", "form", errors={"approver": str(exc)})
    except signatures.SignatureError:
        return Outcome(False, "", "form", errors={"approver": "Type the name of the person who approved."})
    if channel not in STAFF_CHANNEL_LABELS:
        return refused("Choose how the customer told you: by phone or at the counter.", level="form")
    try:
        with write_session() as session:
            if session.get(Order, order_id) is None:
                return refused(GONE)
            decision = quote_decisions.record_decision_by_staff(
                session, order_id, quote_version, True, channel, approver, actor, included=included, note=note
            )
    except quote_decisions.InvalidDecision as exc:
        return refused(str(exc), level="form")
    except quote_decisions.DecisionError as exc:
        return refused(str(exc), stale=True)
    if decision.already_decided:
        return done(
            f"Quote v{decision.version} was already approved.", level="info", changed="quote", order_id=order_id
        )
    how = STAFF_CHANNEL_LABELS[channel]
    return done(
        f"Approved {how} by {decision.decided_by_name}: quote v{decision.version}, total {decision.total}.",
        changed="quote",
        order_id=order_id,
    )

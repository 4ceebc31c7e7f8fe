"""Deciding on quotes: optional lines, approve (with signature), decline, staff-recorded decisions, revisions.

Exactly once: the decision itself is a conditional UPDATE (`... WHERE id = :id AND status = 'sent'`)
on a quote row that was read under a lock (BEGIN IMMEDIATE / the database write lock on SQLite,
SELECT ... FOR UPDATE on PostgreSQL). Whoever loses a race, or clicks twice, gets the existing
decision back with `already_decided=True`; nothing is recorded twice.
"""

from __future__ import annotations

import dataclasses
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from ..models import Customer, Order, Quote, QuoteLine, QuoteStatus, Signature, SignaturePurpose
from . import audit, clock, locking, money, quotes, signatures, timefmt, workflow
from .quote_view import QuoteLineView, QuoteView, customer_view_of_quote, document_sha256, view_of
from .text_input import TextInputError, clean_text

__all__ = [
    "STAFF_CHANNELS",
    "Decision",
    "DecisionConflict",
    "DecisionError",
    "InvalidDecision",
    "QuoteChanged",
    "QuoteLineView",
    "QuoteNotAvailable",
    "QuoteView",
    "approve_quote",
    "customer_view_of_quote",
    "decline_quote",
    "record_decision_by_staff",
    "revise_quote",
    "set_optional_line",
]

STAFF_CHANNELS = ("phone", "in_person")
PORTAL = "portal"
MIN_REASON, MAX_REASON = 3, 2000
QUOTE_CHANGED = "The quote changed, please review it again."


def changed_while_deciding(version: int, total: str) -> str:
    return (
        f"The shop updated your quote while you were filling this in: version {version} now totals {total}. "
        "Please review it, then approve or decline again."
    )


class DecisionError(ValueError):
    """A decision that can't be made; the message is safe to show to the customer."""


class QuoteNotAvailable(DecisionError):
    """No such quote for this order (unknown, draft, another order's id, a forged line id)."""


class QuoteChanged(DecisionError):
    """What the customer looked at is no longer the current quote."""


class DecisionConflict(DecisionError):
    """The quote was already decided the other way."""


class InvalidDecision(DecisionError):
    """The form is incomplete: terms not ticked, no name, no signature, no reason."""


@dataclass(frozen=True)
class Decision:
    order_id: int
    quote_id: int
    version: int
    outcome: str  # approved / declined
    decided_at: datetime
    channel: str  # portal, phone, in_person
    decided_by_name: str
    recorded_by_id: int | None
    decline_reason: str
    signature_id: int | None
    total_minor: int
    total: str
    already_decided: bool = False
    note: str = ""  # staff's note on a decision they recorded (never shown to the customer)

    @property
    def approved(self) -> bool:
        return self.outcome == QuoteStatus.APPROVED.value


# --- helpers --------------------------------------------------------------------------------


def _locked_quote(session: Session, order_id: int, version: int) -> Quote:
    """The quote row, read under a lock that lasts until the transaction ends."""
    if any(isinstance(v, bool) or not isinstance(v, int) for v in (order_id, version)):
        raise QuoteNotAvailable("We couldn't find that quote.")
    locking.hold_sqlite_write_lock(session)
    quote = session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .where(Quote.version == version)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if quote is None or quote.status == QuoteStatus.DRAFT.value:
        raise QuoteNotAvailable("We couldn't find that quote.")
    return quote


def _signature_id(session: Session, quote: Quote) -> int | None:
    return session.exec(
        select(Signature.id)
        .where(Signature.quote_id == quote.id)
        .where(Signature.purpose == SignaturePurpose.REPAIR_AUTHORISATION.value)
        .order_by(Signature.id)
    ).first()


def _decision(session: Session, quote: Quote, *, already: bool, signature_id: int | None = None) -> Decision:
    total = quotes.quote_totals(session, quote).total
    if signature_id is None and quote.status == QuoteStatus.APPROVED.value:
        signature_id = _signature_id(session, quote)
    return Decision(
        order_id=quote.order_id,
        quote_id=quote.id,
        version=quote.version,
        outcome=quote.status,
        decided_at=quote.decided_at,
        channel=quote.decision_channel or "",
        decided_by_name=quote.decided_by_name or "",
        recorded_by_id=quote.recorded_by_id,
        decline_reason=quote.decline_reason or "",
        signature_id=signature_id,
        total_minor=total,
        total=money.format_money(total, quote.currency),
        already_decided=already,
        note=quote.decision_note or "",
    )


def _existing(session: Session, quote: Quote, wanted: QuoteStatus) -> Decision | None:
    """None if the quote still awaits a decision; the decision if it is already `wanted`; else refuse."""
    status = quote.status
    if status == QuoteStatus.SENT.value:
        return None
    if status == wanted.value:
        return _decision(session, quote, already=True)
    when = timefmt.short(quote.decided_at, timefmt.shop_timezone(session))
    if status == QuoteStatus.APPROVED.value:
        raise DecisionConflict(
            f"This quote was already approved ({when}), so it can't be declined here. "
            "Please contact us if you've changed your mind."
        )
    if status == QuoteStatus.DECLINED.value:
        raise DecisionConflict(
            f"This quote was declined ({when}), so it can't be approved any more. "
            "Please contact us and we'll send you a new quote."
        )
    raise QuoteChanged(QUOTE_CHANGED)  # superseded by a newer version


def _claim(session: Session, quote: Quote, outcome: QuoteStatus, **values) -> bool:
    """The one decisive write: only a quote still 'sent' in the database changes."""
    result = session.execute(
        update(Quote)
        .where(Quote.id == quote.id)
        .where(Quote.status == QuoteStatus.SENT.value)
        .values(status=outcome.value, **values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(quote)
    return result.rowcount == 1


def _lost_race(session: Session, quote: Quote, wanted: QuoteStatus) -> Decision:
    done = _existing(session, quote, wanted)
    if done is None:  # pragma: no cover - the UPDATE failed yet the row is still 'sent'
        raise DecisionError("Something went wrong recording your decision. Please try again.")
    return done


def _accept_untouched_optional_lines(session: Session, quote: Quote) -> None:
    """Untouched optional lines were counted in the approved total: record them as accepted."""
    session.execute(
        update(QuoteLine)
        .where(QuoteLine.quote_id == quote.id)
        .where(QuoteLine.optional.is_(True))
        .where(QuoteLine.decision.is_(None))
        .values(decision="accepted")
        .execution_options(synchronize_session="fetch")
    )


def _clean_reason(reason: str, *, required: bool) -> str:
    try:
        text = clean_text(reason, "The reason", MAX_REASON)
    except TextInputError as exc:
        raise InvalidDecision(str(exc)) from exc
    if required and len(text) < MIN_REASON:
        raise InvalidDecision("Please tell us briefly why you're declining (at least 3 characters).")
    return text


def _with_client(actor: audit.Actor, ip: str, user_agent: str) -> audit.Actor:
    return dataclasses.replace(actor, ip=ip or actor.ip, user_agent=user_agent or actor.user_agent)


# --- customer actions -----------------------------------------------------------------------


def set_optional_line(session: Session, order_id: int, line_id: int, accepted: bool, actor: audit.Actor) -> QuoteView:
    """Accept or decline one optional line of the order's quote awaiting a decision. Returns the new view."""
    if not isinstance(accepted, bool):
        raise InvalidDecision("Choose whether to include this item.")
    if isinstance(line_id, bool) or not isinstance(line_id, int) or not isinstance(order_id, int):
        raise QuoteNotAvailable("That item isn't part of your current quote.")
    locking.hold_sqlite_write_lock(session)
    quote = session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .where(Quote.status == QuoteStatus.SENT.value)
        .order_by(Quote.version.desc())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if quote is None:
        raise QuoteNotAvailable("There's no quote waiting for your decision.")
    line = session.exec(
        select(QuoteLine)
        .where(QuoteLine.id == line_id)
        .where(QuoteLine.quote_id == quote.id)
        .execution_options(populate_existing=True)
    ).first()
    if line is None:
        raise QuoteNotAvailable("That item isn't part of your current quote.")
    if not line.optional:
        raise InvalidDecision("Only optional items can be added or removed.")
    decision = "accepted" if accepted else "declined"
    if line.decision != decision:
        line.decision = decision
        session.add(line)
        session.flush()
        audit.record(
            session,
            actor,
            "quote.line_decided",
            order_id=order_id,
            version=quote.version,
            line_id=line.id,
            decision=decision,
        )
    return view_of(session, quote)


def approve_quote(
    session: Session,
    order_id: int,
    quote_version: int,
    *,
    signer_name: str,
    signature_png: bytes | str,
    agreed_to_terms: bool,
    auth_method: str,
    ip: str,
    user_agent: str,
    actor: audit.Actor,
    expected_sha256: str,
) -> Decision:
    """Approve exactly the quote version (and document hash) the customer reviewed, and sign it."""
    quote = _locked_quote(session, order_id, quote_version)
    done = _existing(session, quote, QuoteStatus.APPROVED)
    if done is not None:
        return done
    current = document_sha256(session, quote)
    if not isinstance(expected_sha256, str) or not hmac.compare_digest(expected_sha256.encode(), current.encode()):
        raise QuoteChanged(QUOTE_CHANGED)
    if agreed_to_terms is not True:
        raise InvalidDecision("Please tick the box to confirm you agree to the terms.")
    if auth_method not in signatures.AUTH_METHODS:
        raise DecisionError("Only the customer can approve a quote here.")
    try:
        name = signatures.validate_signer_name(signer_name)
        typed = isinstance(signature_png, str) and signature_png == signatures.TYPED
        png = signature_png if typed else signatures.validate_signature_png(signature_png)
    except signatures.SignatureError as exc:
        raise InvalidDecision(str(exc)) from None
    who = _with_client(actor, ip, user_agent)
    won = _claim(
        session,
        quote,
        QuoteStatus.APPROVED,
        decided_at=clock.now(),
        decision_channel=PORTAL,
        decided_by_name=name,
        recorded_by_id=None,
        decline_reason=None,
    )
    if not won:
        return _lost_race(session, quote, QuoteStatus.APPROVED)
    _accept_untouched_optional_lines(session, quote)
    consent_version, _ = signatures.current_consent(SignaturePurpose.REPAIR_AUTHORISATION)
    signature = signatures.record_signature(
        session,
        order_id=quote.order_id,
        quote_id=quote.id,
        purpose=SignaturePurpose.REPAIR_AUTHORISATION.value,
        document_kind="quote",
        document_version=str(quote.version),
        document_sha256=current,
        consent_text_version=consent_version,
        signer_name=name,
        png=png,
        auth_method=auth_method,
        ip=who.ip,
        user_agent=who.user_agent,
        actor=who,
    )
    decision = _decision(session, quote, already=False, signature_id=signature.id)
    audit.record(
        session,
        who,
        "quote.approved",
        order_id=quote.order_id,
        version=quote.version,
        channel=PORTAL,
        total_minor=decision.total_minor,
        document_sha256=current,
        signature_id=signature.id,
    )
    workflow.follow_decision(session, quote.order_id, approved=True, actor=who)
    return decision


def decline_quote(
    session: Session,
    order_id: int,
    quote_version: int,
    *,
    reason: str,
    actor: audit.Actor,
    ip: str = "",
    user_agent: str = "",
) -> Decision:
    """Decline the sent quote of that exact version, with the customer's reason (no signature needed)."""
    quote = _locked_quote(session, order_id, quote_version)
    done = _existing(session, quote, QuoteStatus.DECLINED)
    if done is not None:
        return done
    text = _clean_reason(reason, required=True)
    order = session.get(Order, quote.order_id)
    customer = session.get(Customer, order.customer_id) if order else None
    who = _with_client(actor, ip, user_agent)
    won = _claim(
        session,
        quote,
        QuoteStatus.DECLINED,
        decided_at=clock.now(),
        decision_channel=PORTAL,
        decided_by_name=(customer.full_name if customer else "") or actor.label[:200],
        recorded_by_id=None,
        decline_reason=text,
    )
    if not won:
        return _lost_race(session, quote, QuoteStatus.DECLINED)
    decision = _decision(session, quote, already=False)
    audit.record(session, who, "quote.declined", order_id=quote.order_id, version=quote.version, channel=PORTAL)
    workflow.follow_decision(session, quote.order_id, approved=False, actor=who)
    return decision


# --- staff actions --------------------------------------------------------------------------


def _clean_note(note: str) -> str:
    try:
        return clean_text(note, "The note", MAX_REASON)
    except TextInputError as exc:
        raise InvalidDecision(str(exc)) from exc


def _staff_line_choices(session: Session, quote: Quote, included) -> dict[int, str]:
    """{line id: accepted/declined} for the optional lines staff ticked or unticked; refuses other lines."""
    if included is None:
        return {}
    if not isinstance(included, dict):
        raise InvalidDecision("Choose which optional items to include.")
    lines = {line.id: line for line in quotes.lines_of(session, quote.id)}
    choices: dict[int, str] = {}
    for line_id, include in included.items():
        if isinstance(line_id, bool) or not isinstance(line_id, int) or line_id not in lines:
            raise QuoteNotAvailable("That item isn't part of this quote.")
        if not lines[line_id].optional:
            raise InvalidDecision("Only optional items can be left out.")
        if not isinstance(include, bool):
            raise InvalidDecision("Choose whether to include each optional item.")
        choices[line_id] = "accepted" if include else "declined"
    return choices


def _apply_line_choices(session: Session, quote: Quote, choices: dict[int, str]) -> None:
    for line_id, decision in choices.items():
        session.execute(
            update(QuoteLine)
            .where(QuoteLine.id == line_id)
            .where(QuoteLine.quote_id == quote.id)
            .values(decision=decision)
            .execution_options(synchronize_session="fetch")
        )


def record_decision_by_staff(
    session: Session,
    order_id: int,
    quote_version: int,
    approved: bool,
    channel: str,
    customer_name: str,
    staff_actor: audit.Actor,
    reason: str = "",
    *,
    included: dict[int, bool] | None = None,
    note: str = "",
) -> Decision:
    """The customer decided by phone or at the counter; a staff member records it (no signature).

    `customer_name` is who gave the decision; `included` ({line id: include?}) settles optional lines
    on an approval (lines not named keep the customer's own choice, untouched ones count); `note` is
    the shop's own note, kept with the quote and in the audit trail, never shown to the customer.
    """
    if staff_actor.kind != "staff" or staff_actor.id is None:
        raise DecisionError("Only a signed-in staff member can record a customer's decision.")
    if channel not in STAFF_CHANNELS:
        raise InvalidDecision("Choose how the customer told you: by phone or in person.")
    if not isinstance(approved, bool):
        raise InvalidDecision("Choose approved or declined.")
    if included and not approved:
        raise InvalidDecision("Optional items are chosen only when approving.")
    wanted = QuoteStatus.APPROVED if approved else QuoteStatus.DECLINED
    quote = _locked_quote(session, order_id, quote_version)
    done = _existing(session, quote, wanted)
    if done is not None:
        return done
    try:
        name = signatures.validate_signer_name(customer_name)
    except signatures.SignerNameTooLong as exc:
        raise InvalidDecision(str(exc)) from None
    except signatures.SignatureError:
        raise InvalidDecision("Type the name of the person who made the decision.") from None
    text = _clean_reason(reason, required=False) if not approved else ""
    note_text = _clean_note(note)
    choices = _staff_line_choices(session, quote, included)
    won = _claim(
        session,
        quote,
        wanted,
        decided_at=clock.now(),
        decision_channel=channel,
        decided_by_name=name,
        recorded_by_id=staff_actor.id,
        decline_reason=(text or None) if not approved else None,
        decision_note=note_text or None,
    )
    if not won:
        return _lost_race(session, quote, wanted)
    if approved:
        _apply_line_choices(session, quote, choices)
        _accept_untouched_optional_lines(session, quote)
    decision = _decision(session, quote, already=False)
    extra = {"note": note_text} if note_text else {}
    left_out = [line.description for line in quotes.lines_of(session, quote.id) if line.decision == "declined"]
    if approved and left_out:
        extra["left_out"] = left_out
    audit.record(
        session,
        staff_actor,
        f"quote.{wanted.value}",
        order_id=quote.order_id,
        version=quote.version,
        channel=channel,
        customer_name=name,
        total_minor=decision.total_minor,
        **extra,
    )
    workflow.follow_decision(session, quote.order_id, approved=approved, actor=staff_actor)
    return decision


def revise_quote(
    session: Session,
    order_id: int,
    lines: list[quotes.LineSpec],
    actor: audit.Actor,
    *,
    valid_until: datetime | None = None,
    notes: str = "",
) -> Quote:
    """A new draft version built only from `lines`; earlier versions (and signatures on them) stay as they are.

    An unsent draft is rewritten in place instead: nobody has seen it, so it needs no new version.
    Sending the new draft (quotes.send_quote) supersedes a sent-but-undecided previous version.
    """
    order = session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None:
        raise QuoteNotAvailable("We couldn't find that order.")
    locking.hold_sqlite_write_lock(session)
    latest = session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .order_by(Quote.version.desc())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if latest is not None and latest.status == QuoteStatus.DRAFT.value:
        return quotes.replace_draft_lines(session, latest, lines, actor, valid_until=valid_until, notes=notes)
    return quotes.create_quote(session, order, lines, actor, valid_until=valid_until, notes=notes)

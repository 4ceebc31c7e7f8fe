"""Online payments: what a customer may pay (an order's balance, a quote's deposit, several invoices), the
checkout attempt that asks for it, and recording what the provider confirmed, once.

The provider's confirmation is the only thing that records a payment (a webhook, or the reconcile step
asking the provider); the customer's return to our site never does."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from ..integrations.stripe_gateway import RefundFacts, SessionFacts
from ..models import (
    AlertKind,
    AttemptKind,
    AttemptStatus,
    Customer,
    Invoice,
    InvoiceStatus,
    Location,
    Order,
    Payment,
    PaymentAttempt,
    PaymentAttemptLine,
    PaymentMethod,
    ProviderEvent,
    ShopSettings,
)
from ..models.invoice import invoice_number_text
from . import alerts, audit, clock, invoices, locking, money, payment_settings, payments

log = logging.getLogger(__name__)

MIN_ONLINE_MINOR = 100  # the smallest online payment: above Stripe's minimum charge in the major currencies
# Currencies whose Stripe minimum charge is above 1.00 (Stripe's table; two-decimal amounts).
STRIPE_MINIMUMS = {"DKK": 250, "NOK": 300, "SEK": 300, "PLN": 200, "CZK": 1500, "HKD": 400, "MXN": 1000}
CHECKOUT_MINUTES = 60  # the hosted page closes after this (Stripe allows 30 minutes to 24 hours)
PROVIDER = "stripe"
DEMO_PROVIDER = "stripe-demo"  # the demo's local stand-in: no money moves


class PayError(ValueError):
    """Why this payment can't be asked for (the message is for the customer)."""


@dataclass(frozen=True)
class Ask:
    """What one checkout will pay, checked against the database."""

    kind: str
    customer_id: int
    amount_minor: int
    currency: str
    description: str
    lines: tuple[tuple[int, int | None, int], ...]  # (order_id, invoice_id, amount)
    order_id: int | None = None
    portal_user_id: int | None = None
    back_path: str = ""
    customer_email: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Recorded:
    """What recording a provider's confirmation did: `outcome` is recorded | already | refused | unknown."""

    outcome: str
    order_ids: tuple[int, ...] = ()
    attempt_id: int | None = None
    amount_minor: int = 0
    currency: str = ""
    detail: str = ""
    payment_ids: tuple[int, ...] = field(default=())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- what is due -------------------------------------------------------------------------------------


def minimum(currency: str) -> int:
    return max(MIN_ONLINE_MINOR, STRIPE_MINIMUMS.get(currency.upper(), 0))


def order_balance(session: Session, order_id: int) -> tuple[int, str]:
    """(balance due online, currency): the issued invoice's total, else the approved quote's, less payments.
    A quote still waiting for a decision is not payable: the customer approves first."""
    shop = ShopSettings.current(session)
    invoice = invoices.live_invoice(session, order_id)
    if invoice is not None and invoice.status == InvoiceStatus.ISSUED.value:
        total, currency = invoice.total_minor, invoice.currency
    else:
        quote = invoices.approved_quote(session, order_id)
        if quote is None:
            return 0, shop.currency
        from .quotes import quote_totals

        total, currency = quote_totals(session, quote).total, quote.currency
    return total - payments.paid_total(session, order_id), currency


def deposit_due(session: Session, order: Order) -> tuple[int, bool]:
    """(deposit still to pay, required) once a quote is approved: the location's rule, else the shop's,
    on the approved total, less what has been paid already (an intake deposit counts)."""
    quote = invoices.approved_quote(session, order.id)
    if quote is None:
        return 0, False
    from .quotes import quote_totals

    rule = payment_settings.deposit_rule_for(ShopSettings.current(session), session.get(Location, order.location_id))
    wanted = payment_settings.deposit_amount(rule, quote_totals(session, quote).total)
    return max(0, wanted - payments.paid_total(session, order.id)), rule.required


def invoice_due(session: Session, invoice: Invoice) -> int:
    if invoice.status != InvoiceStatus.ISSUED.value:
        return 0
    return max(0, invoice.total_minor - invoices.paid_on(session, invoice.id))


def _email_of(session: Session, customer_id: int) -> str:
    customer = session.get(Customer, customer_id)
    return (customer.email or "").strip() if customer else ""


def balance_ask(
    session: Session, order: Order, amount_text: str = "", *, portal_user_id: int | None = None, back_path: str = ""
) -> Ask:
    """The order's balance, or a part of it where the shop allows part payments."""
    shop = ShopSettings.current(session)
    due, currency = order_balance(session, order.id)
    if due <= 0:
        raise PayError("There is nothing to pay on this order.")
    amount = due
    if shop.allow_part_payment and str(amount_text or "").strip():
        try:
            amount = money.parse_amount(amount_text)
        except money.AmountError as exc:
            raise PayError(str(exc)) from exc
        if amount > due:
            raise PayError(f"That's more than the balance due ({money.format_money(due, currency)}).")
    if amount < minimum(currency):
        raise PayError(f"The smallest online payment is {money.format_money(minimum(currency), currency)}.")
    return Ask(
        kind=AttemptKind.BALANCE.value,
        customer_id=order.customer_id,
        amount_minor=amount,
        currency=currency,
        description=f"{shop.name}: repair {order.reference}",
        lines=((order.id, None, amount),),
        order_id=order.id,
        portal_user_id=portal_user_id,
        back_path=back_path,
        customer_email=_email_of(session, order.customer_id),
        reference=order.reference,
    )


def deposit_ask(session: Session, order: Order, *, portal_user_id: int | None = None, back_path: str = "") -> Ask:
    shop = ShopSettings.current(session)
    due, _required = deposit_due(session, order)
    due = min(due, order_balance(session, order.id)[0])  # never more than is owed
    if due <= 0:
        raise PayError("No deposit is due on this order.")
    if due < minimum(shop.currency):
        raise PayError(f"The smallest online payment is {money.format_money(minimum(shop.currency), shop.currency)}.")
    return Ask(
        kind=AttemptKind.DEPOSIT.value,
        customer_id=order.customer_id,
        amount_minor=due,
        currency=shop.currency,
        description=f"{shop.name}: deposit for repair {order.reference}",
        lines=((order.id, None, due),),
        order_id=order.id,
        portal_user_id=portal_user_id,
        back_path=back_path,
        customer_email=_email_of(session, order.customer_id),
        reference=order.reference,
    )


def invoices_ask(
    session: Session, customer_id: int, chosen: dict[int, int], *, portal_user_id: int | None, back_path: str = ""
) -> Ask:
    """Several of the account's invoices at once, each with an amount from 0.01 up to what is due on it."""
    if not chosen:
        raise PayError("Choose at least one invoice to pay.")
    lines, currency = [], None
    for invoice_id, amount in sorted(chosen.items()):
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.customer_id != customer_id:
            raise PayError("One of those invoices isn't on this account.")
        due = invoice_due(session, invoice)
        if due <= 0:
            raise PayError(f"{invoice_number_text(invoice.number)} has nothing left to pay.")
        if amount <= 0:
            raise PayError(f"Enter an amount for {invoice_number_text(invoice.number)}.")
        if amount > due:
            shown = money.format_money(due, invoice.currency)
            raise PayError(f"{invoice_number_text(invoice.number)}: that's more than is due ({shown}).")
        if currency not in (None, invoice.currency):
            raise PayError("Those invoices are in different currencies; pay them one at a time.")
        currency = invoice.currency
        lines.append((invoice.order_id, invoice.id, amount))
    total = sum(amount for _o, _i, amount in lines)
    if total < minimum(currency):
        raise PayError(f"The smallest online payment is {money.format_money(minimum(currency), currency)}.")
    shop = ShopSettings.current(session)
    numbers = ", ".join(invoice_number_text(session.get(Invoice, i).number) for _o, i, _a in lines)
    return Ask(
        kind=AttemptKind.INVOICES.value,
        customer_id=customer_id,
        amount_minor=total,
        currency=currency,
        description=f"{shop.name}: {numbers}"[:250],
        lines=tuple(lines),
        portal_user_id=portal_user_id,
        back_path=back_path,
        customer_email=_email_of(session, customer_id),
        reference=numbers[:200],
    )


# ---- the attempt --------------------------------------------------------------------------------------


def open_attempts_for(session: Session, ask: Ask) -> list[tuple[int, str]]:
    """(attempt id, provider session) of checkouts still open for any order or invoice this ask pays: a
    second page for the same money is closed before a new one opens, so a customer can't pay twice."""
    orders = {order_id for order_id, _invoice, _amount in ask.lines}
    rows = session.exec(
        select(PaymentAttempt.id, PaymentAttempt.provider_session_id)
        .join(PaymentAttemptLine, PaymentAttemptLine.attempt_id == PaymentAttempt.id)
        .where(PaymentAttempt.status == AttemptStatus.OPEN.value)
        .where(PaymentAttemptLine.order_id.in_(orders))
        .distinct()
    ).all()
    return [(attempt_id, session_id or "") for attempt_id, session_id in rows]


def open_attempt(session: Session, ask: Ask, *, provider: str = PROVIDER) -> tuple[PaymentAttempt, str]:
    """Write the attempt and its lines; returns it with the return token (kept by the browser, hashed here)."""
    token = secrets.token_urlsafe(24)
    attempt = PaymentAttempt(
        return_hash=hash_token(token),
        idempotency_key=secrets.token_hex(16),
        kind=ask.kind,
        customer_id=ask.customer_id,
        order_id=ask.order_id if ask.order_id is not None else ask.lines[0][0],
        portal_user_id=ask.portal_user_id,
        amount_minor=ask.amount_minor,
        currency=ask.currency,
        provider=provider,
        back_path=ask.back_path[:200],
        created_at=clock.now(),
    )
    session.add(attempt)
    session.flush()
    for order_id, invoice_id, amount in ask.lines:
        session.add(
            PaymentAttemptLine(attempt_id=attempt.id, order_id=order_id, invoice_id=invoice_id, amount_minor=amount)
        )
    session.flush()
    return attempt, token


def attempt_by_token(session: Session, token: str) -> PaymentAttempt | None:
    if not token or len(token) > 100:
        return None
    return session.exec(select(PaymentAttempt).where(PaymentAttempt.return_hash == hash_token(token))).first()


def lines_of(session: Session, attempt_id: int) -> list[PaymentAttemptLine]:
    return list(
        session.exec(
            select(PaymentAttemptLine)
            .where(PaymentAttemptLine.attempt_id == attempt_id)
            .order_by(PaymentAttemptLine.id)
        ).all()
    )


def line_label(session: Session, line: PaymentAttemptLine) -> str:
    """ "INV-00012" or "Repair R-10042" (receipts, the return page)."""
    if line.invoice_id is not None:
        invoice = session.get(Invoice, line.invoice_id)
        return invoice_number_text(invoice.number) if invoice else "Invoice"
    order = session.get(Order, line.order_id)
    return f"Repair {order.reference}" if order else "Repair"


def metadata_for(attempt: PaymentAttempt) -> dict[str, str]:
    """What the provider carries back to us (ids only, nothing personal)."""
    return {"attempt": str(attempt.id), "kind": attempt.kind, "order": str(attempt.order_id or "")}


def _locked_attempt(session: Session, **where) -> PaymentAttempt | None:
    locking.hold_sqlite_write_lock(session)
    query = select(PaymentAttempt)
    for name, value in where.items():
        query = query.where(getattr(PaymentAttempt, name) == value)
    if locking.dialect(session) == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def _once(session: Session, key: str, kind: str, attempt_id: int | None, outcome: str = "") -> bool:
    """Claim `key` (an event id or a provider object acted on): False when it was claimed before."""
    exists = session.exec(
        select(ProviderEvent.id).where(ProviderEvent.provider == PROVIDER).where(ProviderEvent.event_id == key)
    ).first()
    if exists is not None:
        return False
    session.add(
        ProviderEvent(provider=PROVIDER, event_id=key[:255], type=kind[:100], outcome=outcome, attempt_id=attempt_id)
    )
    session.flush()  # the unique key: a racing twin fails here (PostgreSQL) or waited for us (SQLite)
    return True


def event_seen(session: Session, event_id: str) -> bool:
    return (
        session.exec(
            select(ProviderEvent.id).where(ProviderEvent.provider == PROVIDER).where(ProviderEvent.event_id == event_id)
        ).first()
        is not None
    )


def claim_event(session: Session, event_id: str, kind: str) -> bool:
    return _once(session, event_id, kind, None)


def note_event_outcome(session: Session, event_id: str, outcome: str, attempt_id: int | None = None) -> None:
    row = session.exec(
        select(ProviderEvent).where(ProviderEvent.provider == PROVIDER).where(ProviderEvent.event_id == event_id)
    ).first()
    if row is not None:
        row.outcome, row.attempt_id = outcome[:300], attempt_id
        session.add(row)


def record_paid(session: Session, facts: SessionFacts, *, source: str) -> Recorded:
    """The provider says this checkout is paid: record its payments once, if the figures match what we asked."""
    attempt = _locked_attempt(session, provider_session_id=facts.session_id)
    if attempt is None:
        log.warning("payment for an unknown checkout %s (%s)", facts.session_id, source)
        return Recorded("unknown", detail="no such checkout")
    base = {"attempt_id": attempt.id, "amount_minor": attempt.amount_minor, "currency": attempt.currency}
    if attempt.status == AttemptStatus.PAID.value:
        return Recorded("already", **base)
    if facts.payment_status != "paid":
        return Recorded("waiting", **base, detail=f"payment status {facts.payment_status}")
    problem = _mismatch(attempt, facts)
    if problem:
        attempt.status, attempt.failure = AttemptStatus.REFUSED.value, problem[:300]
        session.add(attempt)
        audit.record(
            session, audit.SYSTEM, "payment.online_refused", order_id=attempt.order_id, attempt=attempt.id,
            reason=problem, source=source,
        )  # fmt: skip
        log.error("online payment refused for attempt %s: %s", attempt.id, problem)
        order = session.get(Order, attempt.order_id) if attempt.order_id else None
        if order is not None:
            alerts.record(
                session, order, AlertKind.PAID,
                "An online payment didn't match what was asked, so it was not recorded: check it in Stripe "
                f"({facts.payment_intent or facts.session_id}).",
            )  # fmt: skip
        return Recorded("refused", **base, detail=problem)
    if not _once(session, f"paid:{facts.payment_intent or facts.session_id}", "payment.recorded", attempt.id, source):
        return Recorded("already", **base)
    now, recorded, orders = clock.now(), [], []
    for line in lines_of(session, attempt.id):
        payment = Payment(
            order_id=line.order_id,
            amount_minor=line.amount_minor,
            method=PaymentMethod.CARD_ONLINE.value,
            reference=facts.payment_intent or facts.session_id,
            note="Paid online (demo: no money moved)" if attempt.provider == DEMO_PROVIDER else "Paid online",
            received_at=now,
            attempt_id=attempt.id,
        )
        session.add(payment)
        session.flush()
        invoices.allocate_new_payment(session, payment)
        line.payment_id = payment.id
        session.add(line)
        recorded.append(payment.id)
        if line.order_id not in orders:
            orders.append(line.order_id)
    attempt.status, attempt.completed_at = AttemptStatus.PAID.value, now
    attempt.provider_payment_id, attempt.failure = facts.payment_intent[:255], ""
    session.add(attempt)
    customer = session.get(Customer, attempt.customer_id)
    payer = audit.Actor(kind="customer", id=attempt.customer_id, label=customer.full_name if customer else "")
    for order_id in orders:
        paid = sum(x.amount_minor for x in lines_of(session, attempt.id) if x.order_id == order_id)
        audit.record(
            session, payer, "payment.recorded", order_id=order_id, amount_minor=paid,
            method=PaymentMethod.CARD_ONLINE.value, attempt=attempt.id, source=source,
        )  # fmt: skip
        _tell_staff(session, order_id, paid, attempt)
    return Recorded("recorded", tuple(orders), payment_ids=tuple(recorded), **base)


def _tell_staff(session: Session, order_id: int, paid: int, attempt: PaymentAttempt) -> None:
    """The bell and the board: a customer paid. Money taken beyond what is owed (two pages paid, cash taken
    meanwhile) is kept and recorded, and flagged for staff to refund or keep as credit."""
    order = session.get(Order, order_id)
    over = -order_balance(session, order_id)[0]
    summary = f"Paid {money.format_money(paid, attempt.currency)} online"
    if over > 0:
        summary += f": {money.format_money(over, attempt.currency)} more than was owed (refund it or keep it as credit)"
        audit.record(
            session, audit.SYSTEM, "payment.overpaid", order_id=order_id, amount_minor=over, attempt=attempt.id
        )
    alerts.record(session, order, AlertKind.PAID, summary)


def _mismatch(attempt: PaymentAttempt, facts: SessionFacts) -> str:
    if facts.metadata.get("attempt") not in (None, str(attempt.id)):
        return f"the checkout names attempt {facts.metadata.get('attempt')!r}, not {attempt.id}"
    if facts.currency != attempt.currency.upper():
        return f"currency {facts.currency} instead of {attempt.currency}"
    if facts.amount_total != attempt.amount_minor:
        return f"amount {facts.amount_total} instead of {attempt.amount_minor}"
    return ""


def close_attempt(session: Session, session_id: str, status: AttemptStatus, failure: str = "") -> PaymentAttempt | None:
    """An open checkout ended unpaid (expired, cancelled); a paid one stays paid."""
    attempt = _locked_attempt(session, provider_session_id=session_id)
    if attempt is None or attempt.status != AttemptStatus.OPEN.value:
        return attempt
    attempt.status, attempt.completed_at = status.value, clock.now()
    if failure:
        attempt.failure = failure[:300]
    session.add(attempt)
    return attempt


def close_attempt_by_id(session: Session, attempt_id: int, status: AttemptStatus) -> None:
    attempt = _locked_attempt(session, id=attempt_id)
    if attempt is not None and attempt.status == AttemptStatus.OPEN.value:
        attempt.status, attempt.completed_at = status.value, clock.now()
        session.add(attempt)


def note_failure(session: Session, attempt_id: int, message: str) -> PaymentAttempt | None:
    """A declined card: the checkout stays open (the customer may try another card); we remember why."""
    attempt = session.get(PaymentAttempt, attempt_id)
    if attempt is not None and attempt.status == AttemptStatus.OPEN.value:
        attempt.failure = (message or "The card was declined.")[:300]
        session.add(attempt)
    return attempt


def open_attempts(session: Session, *, older_than_seconds: int, limit: int = 20) -> list[PaymentAttempt]:
    """Checkouts still open a while after they started: the webhook is late or never came."""
    from datetime import timedelta

    cutoff = clock.now() - timedelta(seconds=older_than_seconds)
    return list(
        session.exec(
            select(PaymentAttempt)
            .where(PaymentAttempt.status == AttemptStatus.OPEN.value)
            .where(PaymentAttempt.created_at <= cutoff)
            .order_by(PaymentAttempt.checked_at.asc().nulls_first(), PaymentAttempt.id)  # none starves
            .limit(limit)
        ).all()
    )


def mark_checked(session: Session, attempt_id: int, *, close: AttemptStatus | None = None, failure: str = "") -> None:
    """The provider was asked about this checkout; `close`: it will never be paid (closed unpaid)."""
    attempt = _locked_attempt(session, id=attempt_id)
    if attempt is None:
        return
    attempt.checked_at = clock.now()
    if close is not None and attempt.status == AttemptStatus.OPEN.value:
        attempt.status, attempt.completed_at, attempt.failure = close.value, clock.now(), failure[:300]
    session.add(attempt)


# ---- refunds ------------------------------------------------------------------------------------------


def refundable(session: Session, payment: Payment) -> int:
    """What is left to refund on an online payment (refunds already confirmed taken off)."""
    refunded = session.exec(
        select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(Payment.refund_of_id == payment.id)
    ).one()
    return max(0, payment.amount_minor + refunded)


def check_refund(
    session: Session, order_id: int, payment_id: int | None, amount_text: str, reason: str
) -> tuple[Payment, int]:
    payment = session.get(Payment, payment_id) if payment_id else None
    if payment is None or payment.order_id != order_id or payment.method != PaymentMethod.CARD_ONLINE.value:
        raise PayError("That isn't an online payment on this order.")
    if payment.amount_minor <= 0:
        raise PayError("A refund can't be refunded.")
    left = refundable(session, payment)
    if left <= 0:
        raise PayError("This payment has been refunded in full.")
    if not reason.strip():
        raise PayError("Give a reason for the refund.")
    try:
        amount = money.parse_amount(amount_text) if str(amount_text or "").strip() else left
    except money.AmountError as exc:
        raise PayError(str(exc)) from exc
    if amount <= 0:
        raise PayError("Enter an amount to refund.")
    if amount > left:
        raise PayError(f"At most {money.format_money(left, _currency(session))} can be refunded on this payment.")
    return payment, amount


def _currency(session: Session) -> str:
    return ShopSettings.current(session).currency


REFUND_META = "rp_payment"  # our refunds name the online payment they give money back on (namespaced)


def _originals(session: Session, payment_intent: str) -> list[Payment]:
    """The online payments one provider payment made (one per order or invoice it paid)."""
    if not payment_intent:
        return []
    return list(
        session.exec(
            select(Payment)
            .where(Payment.reference == payment_intent)
            .where(Payment.method == PaymentMethod.CARD_ONLINE.value)
            .where(Payment.amount_minor > 0)
            .where(Payment.refund_of_id.is_(None))
            .order_by(Payment.id)
        ).all()
    )


def record_refund(session: Session, facts: RefundFacts, *, source: str) -> Recorded:
    """A refund the provider confirmed (ours, or one made in Stripe's dashboard): negative payments on the
    orders its payment paid, once. A refund that fails after it succeeded is given back the same way."""
    originals = _originals(session, facts.payment_intent)
    if not originals:
        return Recorded("unknown", detail="a refund of a payment we didn't record")
    if facts.status in ("failed", "canceled"):
        return _reverse_refund(session, facts, originals, source)
    if facts.status != "succeeded":
        return Recorded("waiting", detail=f"refund {facts.status}")
    attempt = session.get(PaymentAttempt, originals[0].attempt_id) if originals[0].attempt_id else None
    if attempt is not None and facts.currency and facts.currency != attempt.currency.upper():
        return Recorded("refused", detail=f"refund in {facts.currency}, paid in {attempt.currency}")
    if not _once(session, f"refund:{facts.refund_id}", "refund.recorded", originals[0].attempt_id, source):
        return Recorded("already", tuple(sorted({p.order_id for p in originals})))
    named = str(facts.metadata.get(REFUND_META, ""))
    originals.sort(key=lambda p: str(p.id) != named)  # the payment staff chose first, then the others
    staff_id = int(facts.metadata["rp_staff"]) if str(facts.metadata.get("rp_staff", "")).isdigit() else None
    reason = (facts.metadata.get("rp_reason") or "Refunded at the card processor")[:2000]
    left, made, orders = abs(facts.amount), [], []
    for original in originals:
        part = min(left, refundable(session, original))
        if original is originals[-1] and not made:
            part = left  # the provider refunded it: record it even if our figures disagree
        if part <= 0:
            continue
        made.append(_negative(session, original, part, facts.refund_id, reason, staff_id))
        orders.append(original.order_id)
        left -= part
        if left <= 0:
            break
    audit.record(
        session, audit.Actor(kind="staff" if staff_id else "system", id=staff_id, label="refund confirmed"),
        "payment.refunded_online", order_id=orders[0], amount_minor=facts.amount, refund=facts.refund_id,
        source=source,
    )  # fmt: skip
    return Recorded("recorded", tuple(dict.fromkeys(orders)), amount_minor=facts.amount, payment_ids=tuple(made))


def _negative(session: Session, original: Payment, amount: int, refund_id: str, note: str, staff_id) -> int:
    refund = Payment(
        order_id=original.order_id,
        amount_minor=-abs(amount),
        method=PaymentMethod.CARD_ONLINE.value,
        reference=refund_id[:200],
        note=note,
        received_at=clock.now(),
        staff_user_id=staff_id,
        refund_of_id=original.id,
        attempt_id=original.attempt_id,
    )
    session.add(refund)
    session.flush()
    invoices.allocate_new_payment(session, refund)
    return refund.id


def _reverse_refund(session: Session, facts: RefundFacts, originals: list[Payment], source: str) -> Recorded:
    """A refund we recorded failed or was cancelled at the provider: the money is the shop's again."""
    recorded = list(
        session.exec(select(Payment).where(Payment.reference == facts.refund_id).where(Payment.amount_minor < 0)).all()
    )
    if not recorded:
        return Recorded("ignored", detail=f"refund {facts.status} before it was recorded")
    if not _once(session, f"refund-undone:{facts.refund_id}", "refund.reversed", originals[0].attempt_id, source):
        return Recorded("already")
    made = []
    for row in recorded:
        back = Payment(
            order_id=row.order_id,
            amount_minor=-row.amount_minor,
            method=PaymentMethod.CARD_ONLINE.value,
            reference=facts.refund_id[:200],
            note=f"The refund {facts.status} at the card processor",
            received_at=clock.now(),
            refund_of_id=row.refund_of_id,
            attempt_id=row.attempt_id,
        )
        session.add(back)
        session.flush()
        invoices.allocate_new_payment(session, back)
        made.append(back.id)
        audit.record(
            session, audit.SYSTEM, "payment.refund_failed", order_id=row.order_id,
            amount_minor=-row.amount_minor, refund=facts.refund_id,
        )  # fmt: skip
    return Recorded("recorded", tuple(dict.fromkeys(r.order_id for r in recorded)), payment_ids=tuple(made))

"""Online payment actions: start a checkout, take a webhook, reconcile a late one, cancel, refund.

Calls to the provider happen outside any database transaction (they can take seconds); the attempt is
written before the call, so a crash in between leaves an open attempt the reconcile step closes."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from .. import routes
from ..db import session_scope, write_session
from ..integrations.stripe_gateway import GatewayError, SignatureError, StripeGateway
from ..models import AttemptStatus, Order, PaymentAttempt, ShopSettings
from ..services import audit, clock, mail, money, notifications, online_payments, payment_events, payment_settings
from ..services.text_input import TextInputError, clean_text
from ..settings import Settings, get_settings
from . import GONE, Outcome, done, links, refused

log = logging.getLogger(__name__)

# The demo stand-in's keys: new at every start, in this process only (the demo is one process).
DEMO_SECRET_KEY = "sk_test_demo_" + secrets.token_hex(16)
DEMO_WEBHOOK_SECRET = "whsec_demo_" + secrets.token_hex(24)
MAX_REFUND_REASON = 500  # kept with the refund (the provider's metadata takes 500)
LATE_AFTER_SECONDS = 120  # a checkout still open this long after it started is asked about


def gateway(session: Session, settings: Settings | None = None, *, taking_new: bool = True) -> StripeGateway | None:
    """The provider: real keys, or the demo's stand-in. New checkouts need payments switched on; what is
    already under way (webhooks, reconcile, cancel, refunds) goes on whenever there are keys, so switching
    payments off never loses a payment a customer has just made."""
    settings = settings or get_settings()
    if taking_new and not ShopSettings.current(session).online_payments_enabled:
        return None
    keys = payment_settings.stripe_keys(session, settings)
    if keys is not None:
        return StripeGateway(keys.secret_key, keys.webhook_secret, api_base=settings.stripe_api_base)
    if settings.demo_mode:  # no keys of its own: the demo's stand-in (payment_settings.demo_standin_active)
        return StripeGateway(DEMO_SECRET_KEY, DEMO_WEBHOOK_SECRET, api_base=demo_api_base(settings))
    return None


def demo_api_base(settings: Settings) -> str:
    return f"{settings.public_url.rstrip('/')}{routes.DEMO_STRIPE}"


@dataclass(frozen=True)
class Started:
    ok: bool
    url: str = ""  # the hosted payment page
    message: str = ""
    return_token: str = ""


def start_checkout(build: Callable[[Session], online_payments.Ask], actor: audit.Actor) -> Started:
    """`build` checks what may be paid (inside the transaction); then the provider makes the hosted page.
    A page still open for the same order is closed first (or, if it was paid meanwhile, recorded), and
    what is due is checked again after that."""
    settings = get_settings()
    try:
        with session_scope() as session:
            provider = gateway(session, settings)
            if provider is None:
                return Started(False, message="Online payment isn't available; please pay the shop directly.")
            others = online_payments.open_attempts_for(session, build(session))
        _close_others(provider, others)
        with write_session() as session:
            ask = build(session)
            label = online_payments.DEMO_PROVIDER if provider.demo else online_payments.PROVIDER
            attempt, token = online_payments.open_attempt(session, ask, provider=label)
            audit.record(
                session, actor, "payment.online_started", order_id=attempt.order_id, attempt=attempt.id,
                amount_minor=ask.amount_minor, kind=ask.kind,
            )  # fmt: skip
            attempt_id, key, metadata = attempt.id, attempt.idempotency_key, online_payments.metadata_for(attempt)
    except online_payments.PayError as exc:
        return Started(False, message=str(exc))
    base = settings.public_url.rstrip("/")
    try:
        checkout = provider.create_checkout(
            amount_minor=ask.amount_minor,
            currency=ask.currency,
            description=ask.description,
            reference=str(attempt_id),
            metadata=metadata,
            success_url=f"{base}{routes.pay_return_api(token)}",
            cancel_url=f"{base}{routes.pay_cancel_api(token)}",
            idempotency_key=key,
            expires_at=int((clock.now() + timedelta(minutes=online_payments.CHECKOUT_MINUTES)).timestamp()),
            customer_email=ask.customer_email,
        )
    except GatewayError as exc:
        log.warning("checkout for attempt %s not created: %s", attempt_id, exc)
        with write_session() as session:
            attempt = session.get(PaymentAttempt, attempt_id)
            attempt.status, attempt.failure, attempt.completed_at = AttemptStatus.CANCELLED.value, str(exc), clock.now()
            session.add(attempt)
        if exc.unreachable:
            return Started(
                False, message="The card processor couldn't be reached. Nothing was taken; try again shortly."
            )
        return Started(False, message=f"{exc} Nothing was taken.")
    with write_session() as session:
        attempt = session.get(PaymentAttempt, attempt_id)
        attempt.provider_session_id = checkout.session_id
        session.add(attempt)
    return Started(True, url=checkout.url, return_token=token)


def _close_others(provider: StripeGateway, others: list[tuple[int, str]]) -> None:
    for attempt_id, session_id in others:
        try:
            closed = provider.expire_checkout(session_id) if session_id else None
        except GatewayError as exc:
            log.warning("couldn't close the open checkout of attempt %s: %s", attempt_id, exc)
            continue
        if closed is None and session_id:  # no longer open there: paid a moment ago, or already expired
            reconcile(attempt_id)
            continue
        with write_session() as session:
            online_payments.close_attempt_by_id(session, attempt_id, AttemptStatus.CANCELLED)


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    text: str
    order_ids: tuple[int, ...] = ()
    receipt_attempt: int | None = None


def take_webhook(payload: bytes, signature: str | None) -> WebhookAnswer:
    """Verify, then act once. 400 for a bad signature (nothing recorded); 200 for everything verified, so the
    provider stops retrying what a retry can't change."""
    with session_scope() as session:
        provider = gateway(session, taking_new=False)
        secret_ok = provider is not None
    if not secret_ok:
        return WebhookAnswer(404, "online payments are not set up here")
    try:
        event = provider.parse_event(payload, signature)
    except SignatureError as exc:
        log.warning("webhook refused: %s", exc)
        return WebhookAnswer(400, "bad signature")
    handled = apply_event(event)
    receipt = (
        handled.attempt_id
        if handled.outcome == "recorded" and event.get("type") in payment_events.PAID_EVENTS
        else None
    )
    if receipt is not None:
        send_receipt(receipt)
    return WebhookAnswer(200, handled.outcome, handled.order_ids, receipt)


def apply_event(event: dict, engine=None) -> payment_events.Handled:
    """One verified event in its own write transaction; a twin racing it changes nothing."""
    try:
        with write_session(engine) as session:
            return payment_events.handle_event(session, event)
    except IntegrityError:
        # Its twin got there first (PostgreSQL: the unique key held us until it committed) - or a real fault,
        # which must not be answered as done: the provider then retries it.
        with session_scope(engine) as session:
            if online_payments.event_seen(session, str(event.get("id") or "")):
                return payment_events.Handled("duplicate")
        raise


def reconcile(attempt_id: int) -> tuple[str, tuple[int, ...]]:
    """Ask the provider about a checkout whose webhook hasn't come: record it if paid, close it if expired
    (or unknown to the provider long after its page closed, or never opened at all)."""
    with session_scope() as session:
        attempt = session.get(PaymentAttempt, attempt_id)
        provider = gateway(session, taking_new=False)
        if attempt is None or provider is None or attempt.status != AttemptStatus.OPEN.value:
            return ("nothing", ())
        session_id, age = attempt.provider_session_id, clock.now() - attempt.created_at
    long_gone = age > timedelta(minutes=online_payments.CHECKOUT_MINUTES + 30)
    if not session_id:  # the page was never made (the app stopped in between): nothing can be paid
        if age > timedelta(minutes=10):
            with write_session() as session:
                online_payments.mark_checked(session, attempt_id, close=AttemptStatus.CANCELLED)
            return ("closed", ())
        return ("open", ())
    try:
        facts = provider.retrieve_checkout(session_id)
    except GatewayError as exc:
        log.warning("reconcile of attempt %s: %s", attempt_id, exc)
        gone = long_gone and not exc.unreachable  # e.g. keys changed from test to live, a demo restarted
        with write_session() as session:
            online_payments.mark_checked(
                session, attempt_id, close=AttemptStatus.EXPIRED if gone else None, failure="Unknown to the provider"
            )
        return ("closed" if gone else "unreachable", ())
    try:
        with write_session() as session:
            if facts.payment_status == "paid":
                result = online_payments.record_paid(session, facts, source="reconcile")
                outcome, orders = result.outcome, result.order_ids
            elif facts.status == "expired":
                attempt = online_payments.close_attempt(session, session_id, AttemptStatus.EXPIRED)
                outcome, orders = "closed", ((attempt.order_id,) if attempt and attempt.order_id else ())
            else:
                outcome, orders = "open", ()
            online_payments.mark_checked(session, attempt_id)
    except IntegrityError:
        return ("already", ())
    if outcome == "recorded":
        send_receipt(attempt_id)
    return (outcome, orders)


def reconcile_late(limit: int = 20) -> list[tuple[int, str, tuple[int, ...]]]:
    """The delivery loop's sweep: every checkout open longer than LATE_AFTER_SECONDS."""
    with session_scope() as session:
        late = [
            a.id for a in online_payments.open_attempts(session, older_than_seconds=LATE_AFTER_SECONDS, limit=limit)
        ]
    return [(attempt_id, *reconcile(attempt_id)) for attempt_id in late]


def cancel(token: str) -> PaymentAttempt | None:
    """The customer came back with "Back": close the hosted page so it can't be paid later."""
    with session_scope() as session:
        attempt = online_payments.attempt_by_token(session, token)
        provider = gateway(session, taking_new=False)
    if attempt is None or attempt.status != AttemptStatus.OPEN.value:
        return attempt
    if provider is not None and attempt.provider_session_id:
        try:
            facts = provider.expire_checkout(attempt.provider_session_id)
        except GatewayError:
            facts = None
        if facts is None:  # already closed at the provider: maybe paid a moment ago; the webhook decides
            reconcile(attempt.id)
            with session_scope() as session:
                return session.get(PaymentAttempt, attempt.id)
    with write_session() as session:
        return online_payments.close_attempt(
            session, attempt.provider_session_id or "", AttemptStatus.CANCELLED
        ) or session.get(PaymentAttempt, attempt.id)


def send_receipt(attempt_id: int) -> None:
    """A receipt email for a confirmed online payment (it is transactional: sent without the updates opt-in)."""
    try:
        with write_session() as session:
            attempt = session.get(PaymentAttempt, attempt_id)
            lines = online_payments.lines_of(session, attempt_id)
            if attempt is None or not lines:
                return
            listed = "\n".join(
                online_payments.line_label(session, line)
                + ": "
                + money.format_money(line.amount_minor, attempt.currency)
                for line in lines
            )
            amount = {"amount": money.format_money(attempt.amount_minor, attempt.currency)}
            notifications.text(session, links(), "payment_received", lines[0].order_id, audit.SYSTEM, extra=amount)
            with contextlib.suppress(mail.NotSent):  # no email address: the text and the audit still stand
                mail.queue_order_email(
                    session, links(), "payment_received", lines[0].order_id, audit.SYSTEM,
                    extra=amount, quote_block=listed, respect_consent=False,
                )  # fmt: skip
    except Exception:  # the payment is recorded; a receipt that can't be queued is logged, not fatal
        log.exception("receipt for attempt %s not queued", attempt_id)


def refund(order_id: int, form: dict, actor: audit.Actor) -> Outcome:
    """Staff refund an online payment through the provider; recorded when the provider confirms it."""
    payment_id = str(form.get("payment_id", ""))
    with session_scope() as session:
        if session.get(Order, order_id) is None:
            return refused(GONE)
        provider = gateway(session, taking_new=False)
        if provider is None:
            return refused("Online payments aren't set up, so this refund can't go through the card processor.")
        try:
            payment, amount = online_payments.check_refund(
                session,
                order_id,
                int(payment_id) if payment_id.isdigit() and len(payment_id) < 12 else None,
                clean_text(form.get("amount", ""), "The amount", 20),
                clean_text(form.get("reason", ""), "The reason", MAX_REFUND_REASON),
            )
        except (online_payments.PayError, TextInputError) as exc:
            return refused(str(exc), level="form")
        intent, original_id, left = payment.reference, payment.id, online_payments.refundable(session, payment)
    reason = str(form.get("reason", "")).strip()  # checked above: at most MAX_REFUND_REASON
    shown = str(form.get("of", ""))[:12]
    try:
        facts = provider.refund(
            payment_intent=intent,
            amount_minor=amount,
            metadata={
                online_payments.REFUND_META: str(original_id),
                "rp_order": str(order_id),
                "rp_staff": str(actor.id or ""),
                "rp_reason": reason,
            },
            # The form carries what was refundable when the page showed it: a double click sends the same
            # key twice, Stripe answers the second request with the first refund, and it is recorded once.
            idempotency_key=f"refund-{original_id}-{amount}-of-{shown if shown.isdigit() else left}",
        )
    except GatewayError as exc:
        return refused(str(exc), level="form")
    try:
        with write_session() as session:
            recorded = online_payments.record_refund(session, facts, source="refund call")
    except IntegrityError:
        recorded = None
    if recorded is not None and recorded.outcome == "waiting":
        return done("Refund requested; it is recorded here when the card processor confirms it.", level="info")
    return done("Refund recorded.", changed="payments", order_id=order_id)


def pay_order(
    order_id: int,
    kind: str,
    amount_text: str,
    actor: audit.Actor,
    *,
    portal_user_id: int | None = None,
    back_path: str = "",
) -> Started:
    """An order's balance ("balance") or its deposit ("deposit"), from its page (by link or from the account)."""

    def build(session: Session) -> online_payments.Ask:
        order = session.get(Order, order_id)
        if order is None:
            raise online_payments.PayError(GONE)
        shop = ShopSettings.current(session)
        if not (shop.pay_orders_online and shop.show_payments):  # what the page offers, checked again here
            raise online_payments.PayError("Paying online isn't offered here; please contact the shop.")
        if kind == "deposit":
            return online_payments.deposit_ask(session, order, portal_user_id=portal_user_id, back_path=back_path)
        return online_payments.balance_ask(
            session, order, amount_text, portal_user_id=portal_user_id, back_path=back_path
        )

    return start_checkout(build, actor)


def pay_invoices(customer_id: int, chosen: dict[int, int], actor: audit.Actor, *, portal_user_id: int) -> Started:
    """Several of an account's invoices at once (the account portal's invoice list)."""

    def build(session: Session) -> online_payments.Ask:
        ready = payment_settings.online_ready(session, get_settings())[0]
        if not ShopSettings.current(session).pay_invoices_online or not ready:
            raise online_payments.PayError("Paying invoices online isn't available; please contact the shop.")
        return online_payments.invoices_ask(
            session, customer_id, chosen, portal_user_id=portal_user_id, back_path=routes.PORTAL_INVOICES
        )

    return start_checkout(build, actor)

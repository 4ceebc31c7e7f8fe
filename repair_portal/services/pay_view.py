"""What an order's page offers to pay online: the balance (or part of it) and, after approval, the deposit."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ..models import Order, ShopSettings
from . import money


@dataclass(frozen=True)
class PayView:
    can_pay: bool = False  # "Pay £X" on the order's payments card
    balance: str = ""  # £149.50
    balance_input: str = ""  # 149.50, what a part-payment field starts with
    part_allowed: bool = False
    deposit: str = ""  # the deposit still due after approval ("" when none is asked)
    deposit_required: bool = False
    demo: bool = False  # the local stand-in takes the payment: no money moves


def for_order(session: Session, order: Order, settings) -> PayView:
    from . import online_payments, payment_settings

    ready, demo = payment_settings.online_ready(session, settings)
    shop = ShopSettings.current(session)
    if not ready or not shop.pay_orders_online or not shop.show_payments:
        return PayView()
    due, currency = online_payments.order_balance(session, order.id)
    deposit, required = online_payments.deposit_due(session, order)
    deposit = min(deposit, max(due, 0))
    payable = due >= online_payments.minimum(currency)
    deposit = deposit if deposit >= online_payments.minimum(currency) else 0
    return PayView(
        can_pay=payable,
        balance=money.format_money(due, currency) if payable else "",
        balance_input=money.input_text(due) if payable else "",
        part_allowed=shop.allow_part_payment,
        deposit=money.format_money(deposit, currency) if deposit > 0 else "",
        deposit_required=required and deposit > 0,
        demo=demo,
    )


@dataclass(frozen=True)
class ReturnView:
    """The page a customer comes back to from the hosted payment page."""

    status: str = "missing"  # waiting | paid | cancelled | expired | refused | missing
    amount: str = ""
    lines: list[str] = field(default_factory=list)
    failure: str = ""  # the last decline the provider reported, for "cancelled"/"waiting"
    order_id: int = 0  # the order whose live channel tells the page when the payment lands
    back_path: str = ""  # a portal page; "" means the tab's own order page (kept by the browser)
    demo: bool = False


def return_view(session: Session, token: str, settings) -> ReturnView:
    from ..models import AttemptStatus
    from . import online_payments, payment_settings

    attempt = online_payments.attempt_by_token(session, token or "")
    if attempt is None:
        return ReturnView()
    status = {
        AttemptStatus.OPEN.value: "waiting",
        AttemptStatus.PAID.value: "paid",
        AttemptStatus.CANCELLED.value: "cancelled",
        AttemptStatus.EXPIRED.value: "expired",
        AttemptStatus.REFUSED.value: "refused",
    }.get(attempt.status, "missing")
    return ReturnView(
        status=status,
        amount=money.format_money(attempt.amount_minor, attempt.currency),
        lines=[
            f"{online_payments.line_label(session, line)}: {money.format_money(line.amount_minor, attempt.currency)}"
            for line in online_payments.lines_of(session, attempt.id)
        ],
        failure=attempt.failure if status in ("waiting", "cancelled") else "",
        order_id=attempt.order_id or 0,
        back_path=attempt.back_path,
        demo=payment_settings.online_ready(session, settings)[1],
    )


@dataclass(frozen=True)
class OnlinePaymentRow:
    """An online payment on the staff payments card, with what is left to refund through the provider."""

    id: int = 0
    label: str = ""
    refundable: str = ""
    refundable_input: str = ""
    refundable_minor: int = 0  # sent back with the refund form: a double click is one refund (same key)


def online_payment_rows(session: Session, order_id: int) -> list[OnlinePaymentRow]:
    from sqlmodel import select

    from ..models import Payment, PaymentMethod
    from . import online_payments, timefmt

    shop = ShopSettings.current(session)
    rows = session.exec(
        select(Payment)
        .where(Payment.order_id == order_id)
        .where(Payment.method == PaymentMethod.CARD_ONLINE.value)
        .where(Payment.amount_minor > 0)
        .order_by(Payment.id)
    ).all()
    out = []
    for payment in rows:
        left = online_payments.refundable(session, payment)
        out.append(
            OnlinePaymentRow(
                id=payment.id,
                label=f"{timefmt.date(payment.received_at, shop.timezone)} · "
                f"{money.format_money(payment.amount_minor, shop.currency)} online · {payment.reference}",
                refundable=money.format_money(left, shop.currency) if left > 0 else "",
                refundable_input=money.input_text(left) if left > 0 else "",
                refundable_minor=left,
            )
        )
    return out

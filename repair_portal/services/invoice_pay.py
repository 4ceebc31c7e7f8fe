"""Paying several invoices at once in the account portal: who is offered it, and reading the form (which
invoices were ticked, how much for each).

Reading the form only turns browser input into {invoice id: amount}; whether those invoices are the
account's own and the amounts allowed is decided in the transaction (online_payments.invoices_ask)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import Session

from ..models import ShopSettings
from . import money, payment_settings
from .ids import parse_id
from .portal_permissions import Perm

PICK = "pay_"  # pay_<invoice id> = "on" (a ticked box)
AMOUNT = "amount_"  # amount_<invoice id> = "12.50"
MAX_INVOICES = 50
MAX_FIELDS = 500  # a forged form bigger than any page makes is not read to its end
# An amount as typed is clipped only far above money.MAX_AMOUNT_TEXT: parse_amount refuses an over-long one
# with a message (a cut could read as another amount).
MAX_TYPED_AMOUNT = 200


class PayFormError(ValueError):
    """Why the form can't be paid as sent (the message is for the customer)."""


@dataclass(frozen=True)
class Offer:
    shown: bool = False  # the invoice list has boxes to tick and a Pay button
    demo: bool = False  # the local stand-in takes the payment: no money moves
    currency: str = "GBP"


def offer(session: Session, settings, perms: Iterable[Perm], *, preview: bool) -> Offer:
    """Shown when the shop takes payments online (keys, or the demo's stand-in), offers it for invoices,
    and the user's group may see and pay invoices; never in a staff member's read-only preview."""
    shop = ShopSettings.current(session)
    granted = set(perms)
    if preview or not shop.pay_invoices_online or not {Perm.INVOICES_VIEW, Perm.INVOICES_PAY} <= granted:
        return Offer(currency=shop.currency)
    ready, demo = payment_settings.online_ready(session, settings)
    return Offer(shown=ready, demo=ready and demo, currency=shop.currency)


def pick_field(invoice_id: int) -> str:
    return f"{PICK}{invoice_id}"


def amount_field(invoice_id: int) -> str:
    return f"{AMOUNT}{invoice_id}"


def chosen_from_form(form: Mapping, numbers: Mapping[int, str] | None = None) -> dict[int, int]:
    """{invoice id: amount in minor units} for every ticked invoice. Fields that aren't ours are ignored;
    `numbers` (id → "INV-00012") only names an invoice in a message. A blank amount is 0: the service
    says which invoice needs one."""
    if not isinstance(form, Mapping):
        return {}
    numbers = numbers or {}
    picked: list[int] = []
    for index, (key, value) in enumerate(form.items()):
        if index >= MAX_FIELDS:
            break
        if not (isinstance(key, str) and key.startswith(PICK)) or str(value) != "on":
            continue
        invoice_id = parse_id(key[len(PICK) :])
        if invoice_id is not None and invoice_id not in picked:
            picked.append(invoice_id)
    if len(picked) > MAX_INVOICES:
        raise PayFormError(f"Choose at most {MAX_INVOICES} invoices at a time.")
    chosen = {}
    for invoice_id in picked:
        text = str(form.get(amount_field(invoice_id), "") or "")[:MAX_TYPED_AMOUNT]
        try:
            chosen[invoice_id] = money.parse_amount(text) if text.strip() else 0
        except money.AmountError as exc:
            raise PayFormError(f"{numbers.get(invoice_id, 'Amount')}: {exc}") from exc
    return chosen


def picked_total(rows: Iterable, picked: Iterable[int], amounts: Mapping[str, str]) -> tuple[int, int]:
    """(how many, total in minor units) of the shown rows that are ticked, at the amounts typed so far
    (an amount that isn't one yet counts as nothing): the summary on the Pay button."""
    ticked = set(picked)
    count = total = 0
    for row in rows:
        if row.id not in ticked or row.due_minor <= 0:
            continue
        count += 1
        text = amounts.get(str(row.id), row.due_input)
        try:
            total += money.parse_amount(text)
        except money.AmountError:
            continue
    return count, total


def button_text(count: int, total: int, currency: str) -> str:
    if count == 0:
        return "Choose invoices to pay"
    return f"Pay {money.format_money(total, currency)} for {count} invoice{'' if count == 1 else 's'}"

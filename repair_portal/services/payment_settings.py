"""Settings → Payments (owners): the Stripe keys, online payments on or off, which portal parts offer Pay,
and the shop's deposit rule (services/deposits.py; a location may override it).

Keys come from the environment (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: each wins over its twin typed
on the page) or from the page, kept encrypted with the installation's vault key (integrations/vault.py,
outside the database). Nothing here hands a whole key to the page: it gets `masked()` values only.

The options are saved field by field (like services/portal_settings.py): a save writes only what this
editor changed and is refused when someone else changed the same field meanwhile. It doesn't move the
row's `updated_at`, so an open Settings → Shop editor isn't told of a conflict it doesn't have.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from sqlmodel import Session, select

from .. import routes
from ..integrations import vault
from ..models import AuditEvent, ShopSettings
from ..settings import Settings
from . import audit, edits, locking
from .deposits import (  # noqa: F401  (the deposit rules live in deposits.py; callers may import them here)
    RULE_LABELS,
    RULES,
    DepositRule,
    LocationDeposit,
    deposit_amount,
    deposit_rule_for,
    deposit_value_text,
    parse_deposit,
    parse_location_deposit,
)
from .payment_keys import (
    MAX_KEY,
    KeyView,
    StripeKeys,
    decrypt,
    keys_of,
    masked,
    pair,
    secret_key_problem,
    webhook_secret_problem,
)

AUDIT_ACTION = "settings.payments_changed"
# What the webhook endpoint acts on; the page lists them for Stripe's dashboard.
# What a shop enables on its Stripe webhook endpoint: exactly what services/payment_events.py acts on.
EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    "checkout.session.async_payment_failed",
    "payment_intent.payment_failed",
    "refund.created",
    "refund.updated",
)
FLAGS = (
    "online_payments_enabled",
    "pay_orders_online",
    "pay_invoices_online",
    "allow_part_payment",
    "deposit_required",
)
LABELS = {
    "online_payments_enabled": "online payments on/off",
    "pay_orders_online": "Pay on orders",
    "pay_invoices_online": "Pay for invoices",
    "allow_part_payment": "part payments",
    "deposit_rule": "deposit rule",
    "deposit_value": "deposit amount",
    "deposit_required": "deposit required",
}


def stripe_keys(session: Session, settings: Settings) -> StripeKeys | None:
    """Both keys, or None when either is missing (or can't be read with this installation's vault key)."""
    return pair(ShopSettings.current(session), settings)


def demo_standin_active(settings: Settings, session: Session) -> bool:
    """Demo mode without real keys: the local stand-in plays Stripe ("demo: no money moves")."""
    return settings.demo_mode and stripe_keys(session, settings) is None


def online_ready(session: Session, settings: Settings) -> tuple[bool, bool]:
    """(whether any Pay button may show: payments on, and keys or, in demo mode, the stand-in; whether the
    stand-in takes the payment: no money moves)."""
    shop = ShopSettings.current(session)
    if not shop.online_payments_enabled:
        return False, False
    if pair(shop, settings) is not None:
        return True, False
    return settings.demo_mode, settings.demo_mode


def payments_ready(session: Session, settings: Settings) -> bool:
    return online_ready(session, settings)[0]


def webhook_url(settings: Settings) -> str:
    """The endpoint to paste into Stripe's dashboard."""
    return settings.public_url.rstrip("/") + routes.STRIPE_WEBHOOK


# --- the page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentOptions:
    """The page's options as typed (the deposit value as text: '25', '12.5' or '20.00')."""

    online_payments_enabled: bool = False
    pay_orders_online: bool = True
    pay_invoices_online: bool = True
    allow_part_payment: bool = False
    deposit_rule: str = "none"
    deposit_value: str = ""
    deposit_required: bool = False

    @classmethod
    def of(cls, shop: ShopSettings) -> PaymentOptions:
        rule = shop.deposit_rule if shop.deposit_rule in RULES else "none"
        return cls(
            **{name: bool(getattr(shop, name)) for name in FLAGS},
            deposit_rule=rule,
            deposit_value=deposit_value_text(rule, shop.deposit_value),
        )

    @classmethod
    def from_form(cls, form: dict) -> PaymentOptions:
        """Browser input: a flag is on only for True or a checkbox's 'on'; text is clipped."""
        return cls(
            **{name: _flag(form.get(name)) for name in FLAGS},
            deposit_rule=str(form.get("deposit_rule") or "none").strip().lower()[:20],
            deposit_value=str(form.get("deposit_value") or "").strip()[:40],
        )


@dataclass(frozen=True)
class PaymentSettingsView:
    options: PaymentOptions
    secret: KeyView
    webhook: KeyView
    ready: bool  # Pay buttons may show
    demo_standin: bool
    status: str
    tone: str  # "green" | "amber" | "gray"
    webhook_url: str
    events: tuple[str, ...]
    currency: str


def _flag(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("on", "true", "yes"))


def _status(enabled: bool, keys: StripeKeys | None, demo: bool) -> tuple[str, str]:
    where = {
        "environment": "Stripe keys from the environment",
        "settings": "Stripe keys saved on this page",
        "mixed": "Stripe keys from the environment and this page",
    }
    state = "on" if enabled else "off"
    if keys is not None and enabled:
        return f"Online payments are on — {where[keys.source]}", "green"
    if keys is not None:
        return "Online payments are off", "gray"
    if demo:
        return f"Online payments are {state} — demo: no money moves (a local stand-in plays Stripe)", "amber"
    return f"Online payments are {state} — no keys: Pay buttons stay hidden", "amber"


def settings_view(session: Session, settings: Settings) -> PaymentSettingsView:
    shop = ShopSettings.current(session)
    (secret, secret_from), (webhook, webhook_from) = keys_of(shop, settings)
    keys = pair(shop, settings)
    demo = settings.demo_mode and keys is None
    status, tone = _status(bool(shop.online_payments_enabled), keys, demo)
    return PaymentSettingsView(
        options=PaymentOptions.of(shop),
        secret=KeyView(masked(secret), secret_from, bool(shop.stripe_secret_key_enc)),
        webhook=KeyView(masked(webhook), webhook_from, bool(shop.stripe_webhook_secret_enc)),
        ready=bool(shop.online_payments_enabled) and (keys is not None or demo),
        demo_standin=demo,
        status=status,
        tone=tone,
        webhook_url=webhook_url(settings),
        events=EVENTS,
        currency=shop.currency,
    )


def _stored_values(options: PaymentOptions) -> dict:
    """The options as the row holds them (a percentage in basis points, an amount in minor units)."""
    values = {f.name: getattr(options, f.name) for f in fields(PaymentOptions)}
    try:
        values["deposit_value"] = parse_deposit(options.deposit_rule, options.deposit_value)
    except ValueError:
        values["deposit_value"] = None
    return values


def _together(names: list[str]) -> list[str]:
    """A deposit's rule and value change as one (basis points and pence compare equal as numbers)."""
    if "deposit_rule" in names or "deposit_value" in names:
        names = [n for n in names if n not in ("deposit_rule", "deposit_value")] + ["deposit_rule", "deposit_value"]
    return names


def _last_editor(session: Session, clashes: list[str]) -> str:
    """Who last saved one of the clashing fields (the latest payments save, if the record can't tell)."""
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    for event in events[:50]:
        try:
            if set(json.loads(event.detail or "{}").get("fields", ())) & set(clashes):
                return edits.editor_name(session, event)
        except (ValueError, AttributeError, TypeError):
            continue
    return edits.editor_name(session, events[0] if events else None)


class PaymentSettingsConflict(edits.EditConflict):
    def __init__(self, changed: list[str], by: str):
        super().__init__("the payment settings", changed, by, LABELS)


def _form_errors(options: PaymentOptions, secret: str, webhook: str, remove: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if options.deposit_rule not in RULES:
        errors["deposit_rule"] = "Choose no deposit, a percentage or a fixed amount."
    else:
        try:
            parse_deposit(options.deposit_rule, options.deposit_value)
        except ValueError as exc:
            errors["deposit_value"] = str(exc)
    if remove and (secret or webhook):
        errors["remove_keys"] = "Either remove the saved keys or enter new ones, not both."
    if secret and (problem := secret_key_problem(secret)):
        errors["secret_key"] = problem
    if webhook and (problem := webhook_secret_problem(webhook)):
        errors["webhook_secret"] = problem
    return errors


def save_payment_settings(
    session: Session, settings: Settings, form: dict, actor: audit.Actor, *, loaded: PaymentOptions | None = None
) -> dict[str, str] | None:
    """Store the page's form; None when saved (or nothing changed), else field -> message and nothing written.

    `form` holds the options (PaymentOptions' names), `secret_key` and `webhook_secret` (empty: keep the
    saved one) and `remove_keys`. With `loaded` (what the page showed), only the options this editor
    changed are written, and a clash with someone else's save answers {"conflict": message}. Keys are
    never recorded, only that they were added, replaced or removed. Run it in `write_session`."""
    mine = PaymentOptions.from_form(form)
    secret = str(form.get("secret_key") or "").strip()[: MAX_KEY * 2]
    webhook = str(form.get("webhook_secret") or "").strip()[: MAX_KEY * 2]
    remove = _flag(form.get("remove_keys"))
    errors = _form_errors(mine, secret, webhook, remove)
    if errors:
        return errors
    shop = locking.row(session, ShopSettings, 1) or ShopSettings.current(session)  # compared and written under one lock
    current, wanted = _stored_values(PaymentOptions.of(shop)), _stored_values(mine)
    if loaded is None:
        changed = _together([name for name in wanted if wanted[name] != current[name]])
    else:
        before = _stored_values(loaded)
        mine_changed = _together([name for name in wanted if wanted[name] != before[name]])
        clashes = [n for n in mine_changed if current[n] != before[n] and current[n] != wanted[n]]
        if clashes:
            return {"conflict": str(PaymentSettingsConflict(clashes, _last_editor(session, clashes)))}
        changed = _together([name for name in mine_changed if wanted[name] != current[name]])
    enabled = (wanted if "online_payments_enabled" in changed else current)["online_payments_enabled"]
    kept = {
        "secret_key": secret or ("" if remove else decrypt(settings, shop.stripe_secret_key_enc) or ""),
        "webhook_secret": webhook or ("" if remove else decrypt(settings, shop.stripe_webhook_secret_enc) or ""),
    }
    has_keys = (settings.stripe_secret_key or kept["secret_key"]) and (
        settings.stripe_webhook_secret or kept["webhook_secret"]
    )
    if enabled and not has_keys and not settings.demo_mode:
        if remove:
            return {"remove_keys": "Online payments are on: turn them off too, or enter new keys instead."}
        return {
            "online_payments_enabled": "Online payments need both Stripe keys: enter the secret key and the webhook "
            "signing secret below (or set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET on the server) first."
        }
    key_changes = _apply_keys(shop, settings, secret, webhook, remove)
    if not changed and not key_changes:
        return None
    for name in changed:
        setattr(shop, name, wanted[name])
    session.add(shop)
    values = {name: [current[name], wanted[name]] for name in changed}
    audit.record(session, actor, AUDIT_ACTION, fields=changed, changes=values, keys=key_changes)
    return None


def _apply_keys(shop: ShopSettings, settings: Settings, secret: str, webhook: str, remove: bool) -> dict[str, str]:
    """Encrypt typed keys onto the row (or clear them); returns what happened to each, never a value."""
    changes: dict[str, str] = {}
    for name, typed, column in (
        ("secret_key", secret, "stripe_secret_key_enc"),
        ("webhook_secret", webhook, "stripe_webhook_secret_enc"),
    ):
        had = bool(getattr(shop, column))
        if typed:
            setattr(shop, column, vault.encrypt(settings.passcode_key(), typed))
            changes[name] = "replaced" if had else "added"
        elif remove and had:
            setattr(shop, column, "")
            changes[name] = "removed"
    return changes


def rebase(loaded: PaymentOptions, mine: PaymentOptions, theirs: PaymentOptions) -> PaymentOptions:
    """The latest saved options with this editor's own changes on top (after a conflict)."""
    before, wanted = _stored_values(loaded), _stored_values(mine)
    return edits.rebase(theirs, mine, _together([name for name in wanted if wanted[name] != before[name]]))

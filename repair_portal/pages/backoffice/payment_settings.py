"""/staff/settings/payments (owners): connect Stripe, turn online payments on, choose where Pay shows and
the deposit rule. Keys are typed into password fields and shown back masked only."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.settings.form import SettingsForm, section
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import conflict_notice, field_error, field_label, icon_of
from ...services.deposits import RULE_LABELS
from ...state.staff_payment_settings import StaffPaymentSettingsState

S = StaffPaymentSettingsState


def _toggle(name: str, label: str, help_text: str) -> rx.Component:
    element_id = "pay-" + name.replace("_", "-")
    return rx.vstack(
        # `name`: in the form's data too, though the handler reads the state's draft
        SettingsForm(S).toggle(name, element_id, label, help_text, name=name),
        field_error(S.errors.get(name, ""), element_id),
        spacing="1",
        width="100%",
    )


def _status() -> rx.Component:
    return rx.vstack(
        rx.callout.root(
            rx.callout.icon(
                icon_of(
                    rx.match(S.tone, ("green", "circle-check"), ("amber", "triangle-alert"), "info"),
                    ("info", "circle-check", "triangle-alert"),
                )
            ),
            rx.callout.text(S.status),
            color_scheme=rx.match(S.tone, ("green", "green"), ("amber", "amber"), "gray"),
            high_contrast=True,
            size="1",
            width="100%",
            id="pay-status",
        ),
        rx.cond(
            S.demo_standin,
            rx.callout(
                "Demo mode: a local stand-in plays Stripe, so no money moves. Real keys (below, or in the "
                "server's environment) switch to Stripe.",
                icon="flask-conical",
                color_scheme="blue",
                high_contrast=True,
                size="1",
                width="100%",
                id="pay-demo-note",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _options() -> rx.Component:
    return section(
        "Online payments",
        "Customers pay by card on Stripe's own page: card details never reach this portal.",
        _toggle(
            "online_payments_enabled",
            "Take payments online",
            "Off: no Pay button anywhere. Needs both Stripe keys.",
        ),
        _toggle("pay_orders_online", "Pay on an order's page", "The balance of an order, from its link or account."),
        _toggle("pay_invoices_online", "Pay invoices in the account portal", "Several unpaid invoices at once."),
        _toggle(
            "allow_part_payment",
            "Allow part payments",
            "Off: customers pay an order's full balance. On: any amount up to it.",
        ),
    )


def _deposit() -> rx.Component:
    rule = S.values["deposit_rule"]
    select = rx.select.root(
        rx.select.trigger(width="100%", id="pay-deposit-rule"),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in RULE_LABELS.items()]),
        value=rule,
        on_change=lambda value: S.set_value("deposit_rule", value),
        name="deposit_rule",
    )
    amount = rx.vstack(
        field_label(
            rx.cond(rule == "percent", "Percentage of the quote (%)", "Amount in " + S.currency), "pay-deposit-value"
        ),
        rx.input(
            value=S.values["deposit_value"],
            on_change=lambda value: S.set_value("deposit_value", value),
            name="deposit_value",
            id="pay-deposit-value",
            input_mode="decimal",
            width="10rem",
            placeholder=rx.cond(rule == "percent", "25", "20.00"),
        ),
        field_error(S.errors.get("deposit_value", ""), "pay-deposit-value"),
        spacing="1",
    )
    return section(
        "Deposit",
        "Asked when a customer approves a quote. A location can have its own rule (Settings → Locations).",
        rx.vstack(
            field_label("Deposit rule", "pay-deposit-rule"),
            select,
            field_error(S.errors.get("deposit_rule", ""), "pay-deposit-rule"),
            spacing="1",
            width="100%",
            max_width="22rem",
        ),
        rx.cond((rule == "percent") | (rule == "fixed"), amount),
        rx.cond(
            rule != "none",
            _toggle("deposit_required", "Required", "On: no “Skip” after approving; the deposit shows as due."),
        ),
    )


def _key_field(name: str, label: str, masked, note, placeholder: str) -> rx.Component:
    element_id = "pay-" + name.replace("_", "-")
    return rx.vstack(
        field_label(label, element_id),
        rx.hstack(
            rx.code(rx.cond(masked != "", masked, "—"), variant="soft", size="2", id=f"{element_id}-current"),
            rx.text(note, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        # Uncontrolled: what is typed goes with the form's submit, never into a state var.
        rx.input(
            name=name,
            id=element_id,
            type="password",
            auto_complete="off",
            spell_check=False,
            placeholder=rx.cond(masked != "", "Leave empty to keep the current one", placeholder),
            width="100%",
        ),
        field_error(S.errors.get(name, ""), element_id),
        spacing="1",
        width="100%",
    )


def _keys() -> rx.Component:
    return section(
        "Stripe keys",
        "From Stripe's dashboard (Developers → API keys, and the webhook endpoint below). Shown back masked only.",
        _key_field("secret_key", "Secret key", S.secret_masked, S.secret_note, "sk_live_…"),
        _key_field("webhook_secret", "Webhook signing secret", S.webhook_masked, S.webhook_note, "whsec_…"),
        rx.cond(
            S.env_overrides_saved,
            rx.text(
                "The server's STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET win over keys saved here.",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            S.has_saved_keys,
            _toggle("remove_keys", "Remove the stored keys", "Deletes the keys saved here when you save."),
        ),
    )


def _connect() -> rx.Component:
    return section(
        "Connect Stripe",
        "In Stripe's dashboard add a webhook endpoint with this address, then copy its signing secret above.",
        field_label("Webhook URL", "pay-webhook-url"),
        rx.hstack(
            rx.code(S.webhook_url, size="2", variant="soft", id="pay-webhook-url", style={"word_break": "break-all"}),
            rx.button(
                rx.icon("copy", size=14),
                "Copy",
                type="button",
                size="1",
                variant="soft",
                on_click=[rx.set_clipboard(S.webhook_url), rx.toast.success("Webhook URL copied.")],
                id="pay-webhook-copy",
            ),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.text("Events to send:", size="2", weight="medium"),
        rx.el.ul(
            rx.foreach(S.events, lambda event: rx.el.li(rx.code(event, size="1"))),
            id="pay-events",
            style={"margin": 0, "padding_left": "1.25rem"},
        ),
    )


@staff_page(routes.STAFF_SETTINGS_PAYMENTS, "Payment settings", on_load=[S.load_payment_settings])
def payment_settings_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            _status(),
            conflict_notice(S.conflict, element_id="pay-conflict"),
            _options(),
            _deposit(),
            _keys(),
            _connect(),
            SettingsForm(S).errors_notice("pay"),
            rx.hstack(rx.button("Save", type="submit", size="2", id="pay-save"), justify="end", width="100%"),
            spacing="4",
            width="100%",
            max_width="48rem",
        ),
        on_submit=S.handle_save,
        id="pay-form",
        width="100%",
    )
    return staff_layout(
        routes.STAFF_SETTINGS_PAYMENTS,
        "Payments",
        "Take card payments online through Stripe: balances, deposits and invoices.",
        form,
    )

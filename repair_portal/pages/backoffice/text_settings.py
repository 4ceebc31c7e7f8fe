"""/staff/settings/texts (owners and managers): connect Twilio, quiet hours, and what each text says with a
live preview. The auth token is typed into a password field and shown back masked only."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.settings.form import SettingsForm, section
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import conflict_notice, field_error, field_label, visually_hidden
from ...services.sms_templates import MAX_BODY, SPECS
from ...services.text_settings import TOKEN_INPUT
from ...state.staff_text_settings import TOKEN_ID, StaffTextSettingsState

S = StaffTextSettingsState
TAP = {"min_height": "44px"}  # every control a finger can hit


def _element_id(name: str) -> str:
    return "text-" + name.replace("_", "-")


def _status() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.cond(S.tone == "green", rx.icon("circle-check"), rx.icon("triangle-alert"))),
        rx.vstack(
            rx.callout.text(S.status, weight="medium"),
            rx.cond(S.missing != "", rx.callout.text(S.missing, size="1")),
            spacing="1",
        ),
        color_scheme=rx.cond(S.tone == "green", "green", "amber"),
        high_contrast=True,
        size="1",
        width="100%",
        id="text-status",
    )


def _text_field(name: str, label: str, placeholder: str, hint: str) -> rx.Component:
    element_id = _element_id(name)
    return rx.vstack(
        field_label(label, element_id),
        rx.input(
            value=S.values[name],
            on_change=lambda value: S.set_value(name, value),
            name=name,  # in the form's data too, though the handler reads the state's draft
            id=element_id,
            spell_check=False,
            auto_complete="off",
            placeholder=placeholder,
            width="100%",
            style=TAP,
        ),
        rx.text(hint, size="1", color_scheme="gray"),
        rx.cond(S.env_notes[name] != "", rx.text(S.env_notes[name], size="1", color_scheme="gray")),
        field_error(S.errors.get(name, ""), element_id),
        spacing="1",
        width="100%",
    )


def _token_field() -> rx.Component:
    return rx.vstack(
        field_label("Auth token", TOKEN_ID),
        rx.hstack(
            rx.code(
                rx.cond(S.token_masked != "", S.token_masked, "—"), variant="soft", size="2", id="text-token-current"
            ),
            rx.text(S.token_note, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        # Uncontrolled: what is typed goes with the form's submit, never into a state var.
        rx.input(
            name=TOKEN_INPUT,
            id=TOKEN_ID,
            type="password",
            auto_complete="off",
            spell_check=False,
            placeholder=rx.cond(S.token_masked != "", "Leave empty to keep the current one", "32 characters"),
            width="100%",
            style=TAP,
        ),
        field_error(S.errors.get(TOKEN_INPUT, ""), TOKEN_ID),
        spacing="1",
        width="100%",
    )


def _connect() -> rx.Component:
    return section(
        "Connect Twilio",
        "From Twilio's console (Account info, and Phone Numbers). Without all three, texts stay in the SMS outbox.",
        _text_field("account_sid", "Account SID", "AC…", "AC followed by 32 characters."),
        _token_field(),
        _text_field(
            "sender",
            "From number or Messaging Service SID",
            "+44 7700 900123 or MG…",
            "Your Twilio number (read in the shop's country without a +), or a Messaging Service SID.",
        ),
        rx.cond(
            S.has_saved_credentials,
            rx.vstack(
                SettingsForm(S).toggle(
                    "remove_credentials",
                    "text-remove-credentials",
                    "Remove the stored credentials",
                    "Deletes the Account SID, auth token and From saved here when you save.",
                    name="remove_credentials",
                ),
                field_error(S.errors.get("remove_credentials", ""), "text-remove-credentials"),
                spacing="1",
                width="100%",
            ),
        ),
    )


def _url(label: str, value, element_id: str) -> rx.Component:
    return rx.vstack(
        field_label(label, element_id),
        rx.hstack(
            rx.code(value, size="2", variant="soft", id=element_id, style={"word_break": "break-all"}),
            rx.button(
                rx.icon("copy", size=14),
                "Copy",
                visually_hidden(" " + label),
                type="button",
                size="2",
                variant="soft",
                on_click=[rx.set_clipboard(value), rx.toast.success(f"{label} copied.")],
                id=f"{element_id}-copy",
                style=TAP,
            ),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
    )


def _webhooks() -> rx.Component:
    return section(
        "Replies and delivery reports",
        "Twilio tells the portal about replies and deliveries at these addresses (signed: anything else is refused).",
        _url("Inbound URL", S.inbound_url, "text-inbound-url"),
        rx.text(
            "In Twilio's console open Phone Numbers → Manage → Active numbers → your number. Under Messaging, set "
            "“A message comes in” to Webhook, paste the inbound URL and choose HTTP POST. With a Messaging Service, "
            "paste it in the service's Integration settings instead.",
            size="2",
            id="text-inbound-help",
        ),
        _url("Status callback URL", S.status_url, "text-status-url"),
        rx.text(
            "Nothing to paste for this one: it is sent with each text, and Twilio reports delivered or failed there.",
            size="1",
            color_scheme="gray",
        ),
    )


def _time(name: str, label: str) -> rx.Component:
    element_id = _element_id(name)
    return rx.vstack(
        field_label(label, element_id),
        rx.input(
            type="time",
            value=S.values[name],
            on_change=lambda value: S.set_value(name, value),
            name=name,
            id=element_id,
            width="9rem",
            style=TAP,
        ),
        field_error(S.errors.get(name, ""), element_id),
        spacing="1",
    )


def _quiet_hours() -> rx.Component:
    return section(
        "Quiet hours",
        "Automated texts wait until the end of quiet hours, in each location's time zone (Settings → Locations). "
        "Texts staff send by hand go at once.",
        rx.hstack(_time("quiet_start", "Quiet from"), _time("quiet_end", "Until"), spacing="4", wrap="wrap"),
        rx.text("Clear both times for no quiet hours.", size="1", color_scheme="gray"),
    )


def _settings_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            conflict_notice(S.conflict, element_id="text-conflict"),
            _connect(),
            _webhooks(),
            _quiet_hours(),
            SettingsForm(S).errors_notice("text"),
            rx.hstack(rx.button("Save", type="submit", size="3", id="text-save"), justify="end", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.handle_save,
        id="text-form",
        width="100%",
    )


def _template(key: str, label: str) -> rx.Component:
    element_id = _element_id(key)
    return rx.card(
        rx.vstack(
            field_label(label, element_id),
            rx.text_area(
                value=S.bodies[key],
                on_change=lambda value: S.edit_template(key, value),
                id=element_id,
                rows="3",
                width="100%",
                aria_describedby=f"{element_id}-summary",
            ),
            field_error(S.problems[key], element_id),
            rx.box(
                rx.text("Preview", size="1", weight="medium", color_scheme="gray"),
                rx.text(S.previews[key], size="2", id=f"{element_id}-preview", style={"overflow_wrap": "anywhere"}),
                background="var(--gray-2)",
                border="1px solid var(--gray-5)",
                border_radius="12px",
                padding="0.5rem 0.75rem",
                width="100%",
            ),
            rx.text(S.summaries[key], size="1", color_scheme="gray", id=f"{element_id}-summary"),
            rx.cond(
                S.multipart[key] != "",
                rx.callout(
                    S.multipart[key],
                    icon="triangle-alert",
                    color_scheme="amber",
                    high_contrast=True,
                    size="1",
                    width="100%",
                    id=f"{element_id}-parts",
                ),
            ),
            rx.cond(S.unicode[key] != "", rx.text(S.unicode[key], size="1", color_scheme="gray")),
            rx.hstack(
                rx.button(
                    "Reset to the default",
                    visually_hidden(f" ({label})"),
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    disabled=~S.custom[key],
                    on_click=S.handle_reset_template(key),
                    id=f"{element_id}-reset",
                    style=TAP,
                ),
                rx.button(
                    "Save",
                    visually_hidden(f" {label}"),
                    type="button",
                    size="2",
                    on_click=S.handle_save_template(key),
                    id=f"{element_id}-save",
                    style=TAP,
                ),
                justify="end",
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        class_name="text-template",
    )


def _templates() -> rx.Component:
    return rx.vstack(
        rx.heading("What the texts say", as_="h2", size="4"),
        rx.text(
            "Keep them short: one text is 160 plain characters, or 70 with an emoji or curly quotes, and each "
            f"wording holds at most {MAX_BODY} characters (three texts). The preview fills in a made-up order, "
            "with a link as long as a real one.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.text("Placeholders:", size="2", weight="medium"),
            rx.foreach(S.placeholders, lambda name: rx.code(name, size="2")),
            spacing="2",
            wrap="wrap",
            align="center",
            id="text-placeholders",
        ),
        *[_template(spec.key, spec.label) for spec in SPECS.values()],
        spacing="3",
        width="100%",
    )


@staff_page(routes.STAFF_SETTINGS_TEXTS, "Text settings", on_load=[S.load_text_settings])
def text_settings_page() -> rx.Component:
    body = rx.vstack(_status(), _settings_form(), _templates(), spacing="5", width="100%", max_width="48rem")
    return staff_layout(
        routes.STAFF_SETTINGS_TEXTS,
        "Texts",
        "Text messages to customers: connect Twilio, set quiet hours and the wording. Consent is asked per customer.",
        body,
    )

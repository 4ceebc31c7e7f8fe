"""The quote tab of the customer portal: lines, totals, optional extras, approve with signature or decline."""

from __future__ import annotations

import reflex as rx

from ...services.quote_view import QuoteLineView
from ...state.track_quote import SignedRow
from ..signature_pad import signature_pad
from ..ui import visually_hidden
from .common import ACCENT_BUTTON, field_label, section_title
from .pay import deposit_offer
from .screen import OrderScreen


def _line(s: OrderScreen, line: QuoteLineView) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(
                line.description,
                size="3",
                weight="medium",
                color=rx.cond(line.included, "var(--gray-12)", "var(--gray-11)"),
                text_decoration=rx.cond(line.included, "none", "line-through"),
            ),
            rx.text(line.quantity, " × ", line.unit_price, size="2", color_scheme="gray"),
            rx.cond(
                line.optional,
                rx.cond(
                    s.quote.can_decide,
                    rx.el.label(
                        rx.switch(
                            checked=line.included,
                            on_change=lambda v: s.quote.toggle_line(line.id, v),
                            size="2",
                            class_name="optional-toggle",
                            aria_label="Include " + line.description,
                        ),
                        rx.text(
                            rx.cond(line.included, "Included (optional extra)", "Not included (optional)"),
                            size="2",
                            color_scheme="gray",
                        ),
                        class_name="portal-check",
                    ),
                    rx.badge("Optional", size="2", variant="soft", color_scheme="gray"),
                ),
            ),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.text(
            line.line_total,
            size="3",
            weight="medium",
            color=rx.cond(line.included, "var(--gray-12)", "var(--gray-11)"),
            class_name="money",
        ),
        width="100%",
        align="start",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-4)",
        class_name="quote-line",
    )


def _total_row(label, value, *, strong: bool = False, element_id: str | None = None) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="3" if strong else "2", weight="bold" if strong else "regular"),
        rx.spacer(),
        rx.text(
            value, size="3" if strong else "2", weight="bold" if strong else "medium", id=element_id, class_name="money"
        ),
        width="100%",
    )


def _status_badge(s: OrderScreen) -> rx.Component:
    return rx.match(
        s.quote.quote_status,
        ("sent", rx.badge("Waiting for your decision", color_scheme="amber", size="2")),
        ("approved", rx.badge("Approved", color_scheme="green", size="2", id="quote-approved")),
        ("declined", rx.badge("Declined", color_scheme="red", size="2", id="quote-declined")),
        rx.fragment(),
    )


def _buttons(s: OrderScreen, submit: rx.Component) -> rx.Component:
    """Cancel (back to the quote) and the form's submit button."""
    cancel = rx.button(
        "Cancel", type="button", variant="soft", color_scheme="gray", size="3", on_click=s.quote.open_form("")
    )
    return rx.hstack(cancel, submit, width="100%")


def _approve_form(s: OrderScreen) -> rx.Component:
    return rx.form(
        rx.vstack(
            section_title("Approve and sign", id="approve-heading", tab_index=-1),
            rx.cond(
                s.quote.terms_text != "",
                rx.box(
                    rx.text(s.quote.terms_text, size="2", white_space="pre-wrap"),
                    max_height="10rem",
                    overflow_y="auto",
                    tab_index=0,
                    aria_label="The shop's terms",
                    border="1px solid var(--gray-6)",
                    border_radius="8px",
                    padding="0.5rem 0.75rem",
                    width="100%",
                ),
            ),
            rx.el.label(
                rx.checkbox(
                    name="agree",
                    id="agree-terms",
                    size="3",
                    on_change=lambda _checked: s.quote.clear_errors("agree"),
                    aria_invalid=rx.cond(s.quote.error_for == "agree", "true", "false"),
                    aria_describedby=rx.cond(s.quote.error_for == "agree", "quote-error", ""),
                    aria_labelledby="agree-terms-label",
                ),
                rx.text("I agree to the repair terms and authorise this repair", size="3", id="agree-terms-label"),
                class_name="portal-check",
            ),
            field_label("Your full name", "signer-name"),
            rx.input(
                name="signer_name",
                aria_invalid=rx.cond(s.quote.error_for == "name", "true", "false"),
                aria_describedby=rx.cond(s.quote.error_for == "name", "quote-error", ""),
                size="3",
                width="100%",
                id="signer-name",
                on_blur=lambda _value: s.quote.clear_errors("name"),
                auto_complete="name",
            ),
            signature_pad(),
            rx.text(s.quote.consent_text, size="2", color_scheme="gray"),
            _buttons(
                s,
                rx.button(
                    rx.icon("pen-line", size=16),
                    "Approve ",
                    s.quote.quote_total,
                    type="submit",
                    size="3",
                    flex="1",
                    id="approve-submit",
                    style=ACCENT_BUTTON,
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=s.quote.prepare_approval,
        reset_on_submit=False,
        width="100%",
    )


def _decline_form(s: OrderScreen) -> rx.Component:
    return rx.form(
        rx.vstack(
            section_title("Decline the quote", id="decline-heading", tab_index=-1),
            field_label("Why are you declining? (so we can help)", "decline-reason"),
            rx.text("We'll get your device ready to collect.", size="2", color_scheme="gray"),
            rx.text_area(
                name="reason",
                placeholder="e.g. too expensive, I'll replace the device",
                rows="3",
                width="100%",
                id="decline-reason",
            ),
            _buttons(
                s,
                rx.button("Decline quote", type="submit", color_scheme="red", size="3", flex="1", id="decline-submit"),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=s.quote.handle_decline,
        reset_on_submit=False,
        width="100%",
    )


def _decision_area(s: OrderScreen) -> rx.Component:
    return rx.cond(
        s.quote.can_decide,
        rx.vstack(
            rx.cond(
                s.quote.quote_error != "",
                rx.callout(
                    s.quote.quote_error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    id="quote-error",
                    role="alert",
                ),
            ),
            rx.match(
                s.quote.deciding,
                ("approve", _approve_form(s)),
                ("decline", _decline_form(s)),
                rx.vstack(
                    rx.button(
                        rx.icon("check", size=16),
                        "Approve quote",
                        size="3",
                        width="100%",
                        on_click=s.quote.open_form("approve"),
                        id="approve-open",
                        style=ACCENT_BUTTON,
                    ),
                    rx.button(
                        "Decline",
                        size="3",
                        width="100%",
                        variant="soft",
                        color_scheme="gray",
                        on_click=s.quote.open_form("decline"),
                        id="decline-open",
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        rx.match(
            s.quote.quote_status,
            (
                "approved",
                rx.vstack(
                    rx.callout(
                        rx.text("Approved by ", s.quote.decided_by, " on ", s.quote.decided_at, "."),
                        icon="circle-check",
                        color_scheme="green",
                        size="1",
                        width="100%",
                    ),
                    deposit_offer(s),
                    spacing="3",
                    width="100%",
                ),
            ),
            (
                "declined",
                rx.callout(
                    rx.text("Declined on ", s.quote.decided_at, ". Reason: ", s.quote.decline_reason),
                    icon="circle-x",
                    color_scheme="red",
                    size="1",
                    width="100%",
                ),
            ),
            rx.fragment(),
        ),
    )


def _signed_row(s: OrderScreen, row: SignedRow) -> rx.Component:
    """The document's name, who signed and when; never internal versions or hashes."""
    return rx.hstack(
        rx.vstack(
            rx.text(row.purpose, size="3", weight="medium"),
            rx.text("Signed by ", row.signer, " on ", row.signed_at, size="2", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            row.kind == "quote",
            rx.link(
                "View",
                visually_hidden(" the signed ", row.purpose),
                href=s.docs_base + "/signed.pdf",
                is_external=True,
                class_name="portal-link",
            ),
        ),
        width="100%",
        align="center",
        class_name="signed-item",
    )


def quote_panel(s: OrderScreen) -> rx.Component:
    return rx.vstack(
        rx.card(
            rx.cond(
                s.quote.has_quote,
                rx.vstack(
                    rx.hstack(
                        section_title("Quote v" + s.quote.quote_version.to_string(), id="quote-heading", tab_index=-1),
                        rx.spacer(),
                        _status_badge(s),
                        width="100%",
                        align="center",
                    ),
                    rx.cond(s.quote.quote_notes != "", rx.text(s.quote.quote_notes, size="2", color_scheme="gray")),
                    rx.vstack(rx.foreach(s.quote.quote_lines, lambda line: _line(s, line)), spacing="0", width="100%"),
                    _total_row("Subtotal", s.quote.quote_subtotal),
                    _total_row(s.quote.tax_label + " (" + s.quote.tax_rate + ")", s.quote.quote_tax),
                    _total_row("Total", s.quote.quote_total, strong=True, element_id="quote-total"),
                    rx.cond(
                        s.quote.valid_until != "",
                        rx.text(
                            rx.cond(s.quote.quote_expired, "This quote expired on ", "Valid until "),
                            s.quote.valid_until,
                            size="2",
                            color=rx.cond(s.quote.quote_expired, "var(--amber-11)", "var(--gray-11)"),
                        ),
                    ),
                    _decision_area(s),
                    rx.hstack(
                        rx.link(
                            rx.icon("file-down", size=16, aria_hidden="true"),
                            "Quote (PDF)",
                            href=s.docs_base + "/quote.pdf",
                            is_external=True,
                            id="quote-pdf",
                            class_name="portal-link",
                        ),
                        rx.cond(
                            s.quote.quote_status == "approved",
                            rx.link(
                                rx.icon("signature", size=16, aria_hidden="true"),
                                "Signed authorisation (PDF)",
                                href=s.docs_base + "/signed.pdf",
                                is_external=True,
                                id="signed-pdf",
                                class_name="portal-link",
                            ),
                        ),
                        spacing="4",
                        wrap="wrap",
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.text(
                    "When we've diagnosed your device, your quote appears here for you to approve.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            size="2",
            width="100%",
            id="quote-card",
        ),
        rx.cond(
            s.quote.signed.length() > 0,
            rx.card(
                rx.vstack(
                    section_title("What you signed"),
                    rx.foreach(s.quote.signed, lambda row: _signed_row(s, row)),
                    spacing="2",
                    width="100%",
                ),
                size="2",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        on_mount=s.quote.load_quote,
    )

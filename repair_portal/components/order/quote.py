"""The quote card: summary, signatures, the line editor (typed lines or from the price list) and
staff-recorded decisions (an approval is confirmed in a dialog first)."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_approval import StaffOrderApprovalState as A
from ...state.staff_order_quote import StaffOrderQuoteState as Q
from ...state.staff_order_rows import QuoteFormRow
from .common import api, card
from .price_picker import price_picker
from .quote_approval import approval_dialog


def _quote_row(row: QuoteFormRow, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=row.description,
            placeholder="Description",
            aria_label="Description",
            size="2",
            flex="1",
            on_change=lambda v: Q.set_quote_cell(index, "description", v),
            class_name="q-desc",
        ),
        rx.input(
            value=row.quantity,
            size="2",
            width="4rem",
            aria_label="Quantity",
            on_change=lambda v: Q.set_quote_cell(index, "quantity", v),
            class_name="q-qty",
        ),
        rx.input(
            value=row.price,
            placeholder="0.00",
            size="2",
            width="6.5rem",
            aria_label="Unit price",
            on_change=lambda v: Q.set_quote_cell(index, "price", v),
            class_name="q-price",
        ),
        rx.tooltip(
            rx.checkbox(
                checked=row.optional,
                on_change=lambda v: Q.set_quote_cell(index, "optional", v),
                aria_label="Optional: the customer can leave it out",
                class_name="q-optional",
            ),
            content="Optional: the customer can leave it out",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            color_scheme="gray",
            size="1",
            type="button",
            on_click=Q.remove_quote_row(index),
            aria_label="Remove line",
        ),
        width="100%",
        align="center",
        spacing="2",
    )


def _quote_form() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Description", size="1", color_scheme="gray", flex="1"),
            rx.text("Qty", size="1", color_scheme="gray", width="4rem"),
            rx.text("Unit price (ex. tax)", size="1", color_scheme="gray", width="6.5rem"),
            rx.text("Opt.", size="1", color_scheme="gray", width="2.5rem"),
            width="100%",
        ),
        rx.foreach(Q.quote_rows, _quote_row),
        rx.hstack(
            rx.button(
                rx.icon("plus", size=14),
                "Add line",
                variant="ghost",
                size="1",
                on_click=Q.add_quote_row,
                id="quote-add-line",
            ),
            price_picker(),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            Q.quote_form_error != "",
            rx.callout(
                Q.quote_form_error,
                icon="circle-alert",
                color_scheme="red",
                high_contrast=True,
                size="1",
                width="100%",
                id="quote-form-error",
            ),
        ),
        rx.hstack(
            rx.button("Cancel", variant="soft", color_scheme="gray", size="2", on_click=Q.close_quote_form),
            rx.button(
                rx.icon("save", size=14),
                "Save draft",
                variant="surface",
                size="2",
                on_click=Q.handle_save_draft,
                id="quote-save-draft",
            ),
            rx.button(
                rx.icon("send", size=14), "Send to customer", size="2", on_click=Q.handle_send_quote, id="quote-send"
            ),
            justify="end",
            wrap="wrap",
            width="100%",
        ),
        spacing="2",
        width="100%",
        padding_top="0.5rem",
    )


def quote_card() -> rx.Component:
    return card(
        "Quote",
        rx.hstack(
            rx.match(
                S.quote_state,
                ("sent", rx.badge("Awaiting customer", color_scheme="amber", high_contrast=True)),
                ("approved", rx.badge("Approved", color_scheme="green", high_contrast=True)),
                ("declined", rx.badge("Declined", color_scheme="red", high_contrast=True)),
                rx.fragment(),
            ),
            rx.text(S.quote_summary, size="2", id="staff-quote-summary"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            S.draft_version > 0,
            rx.callout(
                rx.text("Draft v", S.draft_version, " saved, not sent: the customer can't see it yet."),
                icon="file-pen",
                color_scheme="gray",
                size="1",
                id="quote-draft-note",
            ),
        ),
        rx.cond(
            S.has_quote_signature,
            rx.link("Signed authorisation (PDF)", href=api("/signed.pdf"), is_external=True, size="2"),
        ),
        rx.cond(
            S.can_manage_quotes,
            rx.cond(
                Q.quote_form_open,
                _quote_form(),
                rx.flex(
                    rx.button(
                        rx.cond(
                            S.draft_version > 0,
                            "Continue draft",
                            rx.cond(S.quote_state == "", "Build a quote", "Revise quote"),
                        ),
                        size="2",
                        variant="soft",
                        on_click=Q.open_quote_form,
                        id="quote-open",
                    ),
                    price_picker(),
                    rx.cond(
                        S.quote_state == "sent",
                        rx.fragment(
                            rx.button(
                                "Approved by phone",
                                size="2",
                                variant="surface",
                                color_scheme="green",
                                on_click=A.open_approval("phone"),
                                id="quote-phone-yes",
                            ),
                            rx.button(
                                "Approved at the counter",
                                size="2",
                                variant="surface",
                                color_scheme="green",
                                on_click=A.open_approval("in_person"),
                                id="quote-counter-yes",
                            ),
                            rx.button(
                                "Declined by phone",
                                size="2",
                                variant="surface",
                                color_scheme="red",
                                on_click=Q.handle_staff_decision("phone-no"),
                                id="quote-phone-no",
                            ),
                        ),
                    ),
                    gap="0.5rem",
                    wrap="wrap",
                ),
            ),
        ),
        approval_dialog(),
    )

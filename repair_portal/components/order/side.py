"""The right-hand column: stage (with history), the portal link and QR, printing."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order import TRACKING_URL_ID
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_link import StaffOrderLinkState as L
from ...state.staff_order_rows import HistoryRow, StageOption
from ..ui import link_button
from .common import api, card
from .texts import text_link_buttons


def _history_row(item: HistoryRow) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="0.6rem",
            height="0.6rem",
            border_radius="999px",
            background=f"var(--{item.color}-9)",
            margin_top="0.35rem",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(item.stage, size="2", weight="medium"),
            rx.text(item.at, " · ", item.by, size="1", color_scheme="gray"),
            spacing="0",
        ),
        align="start",
        spacing="3",
    )


def _stage_option(option: StageOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def stage_card() -> rx.Component:
    return card(
        "Stage",
        rx.badge(
            S.summary.stage,
            color_scheme=S.summary.stage_color,
            size="3",
            variant="soft",
            high_contrast=True,
            id="current-stage",
        ),
        rx.cond(
            S.can_change_stage,
            rx.form(
                rx.hstack(
                    rx.box(
                        rx.select.root(
                            rx.select.trigger(
                                placeholder="Move to…", width="100%", id="stage-select", aria_label="Move to stage"
                            ),
                            rx.select.content(rx.foreach(S.stage_options, _stage_option)),
                            name="stage_id",
                            size="2",
                        ),
                        flex="1",
                        min_width="0",
                    ),
                    rx.button("Move", type="submit", size="2", id="stage-submit", flex_shrink="0"),
                    width="100%",
                ),
                on_submit=S.handle_change_stage,
                reset_on_submit=True,
                width="100%",
            ),
        ),
        rx.vstack(rx.foreach(S.history, _history_row), spacing="3", padding_top="0.5rem"),
    )


def link_card() -> rx.Component:
    return card(
        "Customer portal link",
        rx.cond(
            S.has_link,
            rx.vstack(
                # Filled in by the handlers' script: the link is a credential and never a state var.
                rx.code("", size="1", variant="soft", id=TRACKING_URL_ID, style={"word_break": "break-all"}),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy for SMS/WhatsApp",
                        on_click=L.handle_copy_link,
                        variant="soft",
                        size="2",
                        id="copy-link",
                    ),
                    rx.cond(
                        S.can_send_link & (S.summary.customer_email != ""),
                        rx.button(
                            rx.icon("send", size=14),
                            "Email link",
                            on_click=L.handle_send_link,
                            size="2",
                            id="send-link",
                        ),
                    ),
                    text_link_buttons(),
                    wrap="wrap",
                ),
                rx.cond(
                    S.can_view_as_customer,
                    rx.link(
                        rx.hstack(rx.icon("eye", size=14), rx.text("View as customer"), spacing="1", align="center"),
                        href=api("/portal"),
                        is_external=True,
                        size="2",
                        id="view-as-customer",
                    ),
                ),
                rx.cond(
                    S.can_manage_links,
                    rx.hstack(
                        _confirm(
                            "Issue a new link",
                            "refresh-ccw",
                            "rotate-link",
                            "Issue a new link?",
                            "The current link and QR code stop working at once, and the customer must "
                            "confirm their last name again. Send or print the new link afterwards.",
                            "Issue new link",
                            L.handle_rotate_link,
                            "rotate-confirm",
                        ),
                        _confirm(
                            "Revoke link",
                            "link-2-off",
                            "revoke-link",
                            "Revoke the link?",
                            "The customer can no longer open the portal for this order, on any device. "
                            "You can issue a new link later.",
                            "Revoke link",
                            L.handle_revoke_link,
                            "revoke-confirm",
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                ),
                rx.image(
                    src=api("/qr.png"), width="8rem", height="8rem", alt="QR code of the portal link", id="staff-qr"
                ),
                spacing="2",
                width="100%",
            ),
            rx.vstack(
                rx.text(
                    "This order has no live link: the customer can't open the portal.", size="2", color_scheme="gray"
                ),
                rx.cond(
                    S.can_manage_links,
                    rx.button(
                        rx.icon("link", size=14),
                        "Issue a link",
                        size="2",
                        variant="soft",
                        on_click=L.handle_rotate_link,
                        id="issue-link",
                    ),
                ),
                spacing="2",
            ),
        ),
    )


def _confirm(label, icon, trigger_id, title, description, confirm_label, handler, confirm_id) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(rx.icon(icon, size=14), label, variant="ghost", color_scheme="red", size="1", id=trigger_id)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme="red", on_click=handler, id=confirm_id)),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
    )


def _print_link(label: str, path: str, icon: str, element_id: str) -> rx.Component:
    return link_button(
        rx.icon(icon, size=14),
        label,
        href=api(path),
        external=True,
        variant="surface",
        size="2",
        width="100%",
        justify_content="flex-start",
        id=element_id,
    )


def print_card() -> rx.Component:
    return rx.cond(
        S.can_print,
        card(
            "Print",
            _print_link("Intake ticket (A4)", "/ticket.pdf?layout=a4", "file-text", "print-ticket-a4"),
            _print_link("Intake ticket (Letter)", "/ticket.pdf?layout=letter", "file-text", "print-ticket-letter"),
            _print_link("Receipt (80 mm)", "/ticket.pdf?layout=receipt80", "receipt", "print-receipt"),
            _print_link("Device label (62 × 29 mm)", "/label.pdf", "tag", "print-label"),
            rx.cond(S.summary.has_quote, _print_link("Quote PDF", "/quote.pdf", "file-spreadsheet", "print-quote")),
            rx.cond(
                S.summary.has_quote, _print_link("Invoice / receipt PDF", "/invoice.pdf", "file-check", "print-invoice")
            ),
        ),
    )

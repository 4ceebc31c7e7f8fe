"""The signatures card: every signature on the order (open one to see and print it) and the counter screen."""

from __future__ import annotations

import reflex as rx

from ...services.signed_records import SignatureRow
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_rows import ChoiceOption
from ...state.staff_order_signatures import StaffOrderSignaturesState as G
from ..ui import scroll_region
from .common import api, card


def _row(row: SignatureRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.label, size="2", weight="medium"),
            rx.text(row.signer_name, " · ", row.signed_at, size="1", color_scheme="gray"),
            rx.text(row.channel, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.button(
            "View",
            size="1",
            variant="soft",
            on_click=G.show_signature(row.id),
            aria_label="View the " + row.label + " signature",
        ),
        width="100%",
        align="center",
        class_name="staff-signed",
    )


def _fact(label: str, value, mono: bool = False) -> rx.Component:
    return rx.cond(
        value != "",
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="2", font_family="var(--code-font-family)" if mono else None, word_break="break-all"),
            spacing="0",
        ),
    )


def _detail_dialog() -> rx.Component:
    v = G.viewing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(v.label),
            rx.dialog.description("Signed by ", v.signer_name, ", ", v.signed_at, size="2", color_scheme="gray"),
            rx.vstack(
                rx.box(
                    rx.image(
                        src=api("/signatures/") + v.id.to_string() + ".png",
                        alt="Signature of " + v.signer_name,
                        max_height="9rem",
                        id="signature-image",
                    ),
                    border="1px solid var(--gray-6)",
                    border_radius="8px",
                    background="white",
                    padding="0.5rem",
                    width="100%",
                ),
                rx.text("What was signed", size="1", color_scheme="gray"),
                scroll_region(
                    rx.text(v.text, size="2", white_space="pre-wrap", id="signature-text"),
                    label="What was signed",
                    max_height="12rem",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.cond(v.quote_version > 0, rx.text("Quote version ", v.quote_version, size="2")),
                _fact("Channel", v.channel),
                _fact("Signature", v.method),
                _fact("Signed at (UTC)", v.signed_at_utc, mono=True),
                _fact("IP address", v.ip, mono=True),
                _fact("Browser", v.user_agent),
                _fact("Record hash", v.record_hash, mono=True),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    rx.cond(
                        S.can_print,
                        rx.link(
                            rx.icon("printer", size=14),
                            "Print",
                            href=api("/signatures/") + v.id.to_string() + ".pdf",
                            is_external=True,
                            id="signature-print",
                            size="2",
                        ),
                    ),
                    justify="end",
                    align="center",
                    spacing="4",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="34rem",
            id="signature-dialog",
        ),
        open=G.view_open,
        on_open_change=G.set_view_open,
    )


def _counter_button(choice: ChoiceOption) -> rx.Component:
    return rx.button(
        rx.icon("pen-line", size=14),
        choice.name,
        size="2",
        variant="soft",
        width="100%",
        on_click=G.open_counter(choice.id),
        class_name="counter-choice",
    )


def signatures_card() -> rx.Component:
    return card(
        "Signatures",
        rx.cond(
            S.signatures.length() > 0,
            rx.vstack(rx.foreach(S.signatures, _row), spacing="2", width="100%", id="signature-list"),
            rx.text("Nothing signed yet.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            S.can_sign_at_counter & (S.counter_choices.length() > 0),
            rx.vstack(
                rx.text("Sign at the counter", size="2", weight="medium"),
                rx.text(
                    "Hands this screen to the customer; your password brings it back.", size="1", color_scheme="gray"
                ),
                rx.foreach(S.counter_choices, _counter_button),
                spacing="2",
                width="100%",
                id="counter-choices",
            ),
        ),
        _detail_dialog(),
        id="signatures-card",
    )

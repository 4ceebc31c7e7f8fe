"""What was noted at intake besides the problem: the checklist, what was left with the device, the passcode."""

from __future__ import annotations

import reflex as rx

from ...services.intake import IntakeCheck
from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_passcode import PASSCODE_ID
from ...state.staff_order_passcode import StaffOrderPasscodeState as P
from ..ui import visually_hidden


def _check(check: IntakeCheck) -> rx.Component:
    return rx.badge(
        rx.cond(check.ticked, rx.icon("check", size=12), rx.icon("x", size=12)),
        check.item,
        visually_hidden(rx.cond(check.ticked, " (yes)", " (no)")),
        color_scheme=rx.cond(check.ticked, "green", "gray"),
        variant="soft",
        high_contrast=True,
        size="2",
        class_name="intake-check-result",
    )


def _passcode() -> rx.Component:
    return rx.cond(
        S.summary.has_passcode,
        rx.vstack(
            rx.text("Device passcode", size="1", color_scheme="gray"),
            rx.hstack(
                rx.code(
                    rx.cond(P.shown, "", "••••••"),
                    rx.el.span(id=PASSCODE_ID),
                    size="3",
                    id="passcode-box",
                ),
                rx.cond(
                    P.shown,
                    rx.button("Hide", size="1", variant="soft", on_click=P.hide_passcode, id="passcode-hide"),
                    rx.button(
                        rx.icon("eye", size=14),
                        "Reveal",
                        size="1",
                        variant="soft",
                        on_click=P.reveal_passcode,
                        id="passcode-reveal",
                    ),
                ),
                rx.cond(
                    S.can_edit_details,
                    rx.button(
                        "Delete",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=P.forget_passcode,
                        id="passcode-delete",
                    ),
                ),
                spacing="2",
                align="center",
            ),
            rx.text(
                "Each reveal is logged. Deleted automatically when the device is collected.",
                size="1",
                color_scheme="gray",
            ),
            spacing="1",
            width="100%",
            id="passcode-card",
        ),
        rx.cond(
            S.summary.passcode_deleted != "",
            rx.text("Passcode deleted ", S.summary.passcode_deleted, ".", size="1", color_scheme="gray"),
        ),
    )


def intake_facts() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.summary.intake_checks.length() > 0,
            rx.vstack(
                rx.text("Checked at intake", size="1", color_scheme="gray"),
                rx.flex(rx.foreach(S.summary.intake_checks, _check), gap="0.4rem", wrap="wrap"),
                spacing="1",
                width="100%",
                id="intake-checks",
            ),
        ),
        rx.cond(
            S.summary.accessories != "",
            rx.vstack(
                rx.text("Left with the device", size="1", color_scheme="gray"),
                rx.text(S.summary.accessories, size="2", id="order-accessories"),
                spacing="1",
                width="100%",
            ),
        ),
        _passcode(),
    )

"""The order's audit trail: every action by staff, customer and system, newest first."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_rows import ActivityRow
from ..ui import scroll_region
from .common import card


def _row(item: ActivityRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(item.at, size="1", color_scheme="gray", white_space="nowrap")),
        rx.table.cell(rx.text(item.who, size="2", weight="medium")),
        rx.table.cell(rx.text(item.what, size="2")),
        class_name="activity-row",
    )


def activity_card() -> rx.Component:
    return card(
        "Activity",
        rx.cond(
            S.activity.length() > 0,
            scroll_region(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(
                                    h, position="sticky", top="0", background="var(--color-panel-solid)"
                                )
                                for h in ("When", "Who", "What")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(S.activity, _row)),
                    size="1",
                    width="100%",
                ),
                label="Activity",
                max_height="22rem",
                overflow_y="auto",
                width="100%",
            ),
            rx.text("Nothing recorded yet.", size="2", color_scheme="gray"),
        ),
        id="order-activity",
    )

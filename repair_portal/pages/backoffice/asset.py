"""/staff/assets/[asset_id]: one asset of a business account: details, tests (record one, with its
certificate PDF), defects (record one with photos, mark fixed) and its orders."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.asset_dialogs import defect_dialog, fix_dialog, test_dialog
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import STICKY_HEAD, scroll_region
from ...state.staff_asset import DefectView, Fact, OrderView, PhotoView, TestView
from ...state.staff_asset import StaffAssetState as S

ACTIVE = routes.STAFF_CUSTOMERS
SEVERITY_COLORS = {"low": "gray", "medium": "amber", "high": "orange", "critical": "red"}


def _card(title: str, element_id: str, *children, action=None) -> rx.Component:
    heading = rx.hstack(
        rx.text(title, size="2", weight="bold", color_scheme="gray"),
        rx.spacer(),
        action or rx.fragment(),
        width="100%",  # the action at the card's right edge, as on the other customer cards
        align="center",
    )
    return rx.card(rx.vstack(heading, *children, spacing="3", width="100%"), size="2", width="100%", id=element_id)


def _fact(fact: Fact) -> rx.Component:
    return rx.vstack(
        rx.text(fact.label, size="1", color_scheme="gray"),
        rx.text(fact.value, size="2", weight="medium", white_space="pre-line"),
        spacing="0",
        min_width="11rem",
    )


def _record_button(label: str, on_click, element_id: str) -> rx.Component:
    return rx.cond(
        S.can_record,
        rx.button(rx.icon("plus", size=14), label, size="2", variant="soft", on_click=on_click, id=element_id),
    )


# --- tests ------------------------------------------------------------------------------------------------


def _result_badge(result, label) -> rx.Component:
    return rx.badge(label, color_scheme=rx.cond(result == "pass", "green", "red"), variant="soft", high_contrast=True)


def _test_row(test: TestView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(test.tested_on, white_space="nowrap")),
        rx.table.cell(_result_badge(test.result, test.result_label)),
        rx.table.cell(rx.text(test.number, font_family="var(--code-font-family)")),
        rx.table.cell(rx.text(test.notes, size="1", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                test.certificate_url != "",
                rx.link(
                    rx.icon("file-text", size=14, aria_hidden="true"),
                    "Certificate",
                    href=test.certificate_url,
                    is_external=True,
                    aria_label="Certificate of the test on " + test.tested_on,
                    # icon and word on one line (the icon is a block: it broke the line in a narrow cell)
                    style={"display": "inline-flex", "align_items": "center", "gap": "0.3rem", "white_space": "nowrap"},
                ),
                rx.text("—", color_scheme="gray"),
            )
        ),
        class_name="asset-test-row",
    )


def _tests_card() -> rx.Component:
    headers = ["Tested on", "Result", "Number", "Notes", "Certificate"]
    table = scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])),
            rx.table.body(rx.foreach(S.tests, _test_row)),
            variant="surface",
            size="2",
            width="100%",
            id="asset-tests-table",
        ),
        label="Tests of this asset",
        max_height="24rem",
        overflow_y="auto",
        width="100%",
    )
    return _card(
        "Tests",
        "asset-tests",
        rx.cond(S.tests.length() > 0, table, rx.text("No tests recorded.", size="2", color_scheme="gray")),
        action=_record_button("Record test", S.open_test, "test-add"),
    )


# --- defects ----------------------------------------------------------------------------------------------


def _photo(photo: PhotoView) -> rx.Component:
    return rx.link(
        rx.image(
            src=photo.url,
            alt="Photo of the defect",
            width="88px",
            height="88px",
            object_fit="cover",
            border_radius="8px",
        ),
        href=photo.url,
        is_external=True,
    )


def _defect(defect: DefectView) -> rx.Component:
    fix = rx.cond(
        S.can_record & defect.open,
        rx.button(
            "Mark fixed",
            size="1",
            variant="soft",
            on_click=S.open_fix(defect.id),
            aria_label="Mark fixed: " + defect.description,
        ),
    )
    return rx.vstack(
        rx.hstack(
            rx.badge(
                defect.severity_label,
                color_scheme=rx.match(defect.severity, *SEVERITY_COLORS.items(), "gray"),
                variant="soft",
                high_contrast=True,
            ),
            rx.cond(
                defect.open,
                rx.badge("Open", color_scheme="amber", variant="outline", high_contrast=True),
                rx.badge("Fixed ", defect.fixed_on, color_scheme="green", variant="outline", high_contrast=True),
            ),
            rx.text("Found ", defect.found_on, size="1", color_scheme="gray"),
            rx.spacer(),
            fix,
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.text(defect.description, size="2", white_space="pre-line"),
        rx.cond(defect.photos.length() > 0, rx.hstack(rx.foreach(defect.photos, _photo), wrap="wrap", spacing="2")),
        spacing="2",
        width="100%",
        padding_bottom="0.75rem",
        border_bottom="1px solid var(--gray-4)",
        class_name="asset-defect",
    )


def _defects_card() -> rx.Component:
    return _card(
        "Defects",
        "asset-defects",
        rx.cond(
            S.defects.length() > 0,
            rx.vstack(rx.foreach(S.defects, _defect), spacing="3", width="100%"),
            rx.text("No defects recorded.", size="2", color_scheme="gray"),
        ),
        action=_record_button("Record defect", S.open_defect, "defect-add"),
    )


# --- orders -----------------------------------------------------------------------------------------------


def _order_row(row: OrderView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                row.reference, href=routes.staff_order(row.id), weight="bold", font_family="var(--code-font-family)"
            )
        ),
        rx.table.cell(rx.text(row.booked_in, white_space="nowrap")),
        rx.table.cell(rx.badge(row.stage, color_scheme=row.stage_color, variant="soft", high_contrast=True)),
        class_name="asset-order-row",
    )


def _orders_card() -> rx.Component:
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Reference", "Booked in", "Stage")])),
        rx.table.body(rx.foreach(S.asset_orders, _order_row)),
        variant="surface",
        size="2",
        width="100%",
        id="asset-orders-table",
    )
    return _card(
        "Orders",
        "asset-orders",
        rx.cond(
            S.asset_orders.length() > 0, table, rx.text("No orders for this asset.", size="2", color_scheme="gray")
        ),
    )


@staff_page(routes.STAFF_ASSET, "Asset", on_load=[S.load_asset])
def asset_page() -> rx.Component:
    details = _card(
        "Details",
        "asset-details",
        rx.flex(rx.foreach(S.facts, _fact), gap="1rem 2rem", wrap="wrap", width="100%"),
    )
    body = rx.cond(
        S.asset_found,
        rx.flex(
            rx.vstack(details, _tests_card(), _defects_card(), spacing="4", flex="2", min_width="0", width="100%"),
            rx.vstack(_orders_card(), spacing="4", flex="1", min_width="0", width="100%"),
            test_dialog(),
            defect_dialog(),
            fix_dialog(),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="1rem",
            width="100%",
            align="start",
        ),
        rx.callout(
            "This asset doesn't exist (or was removed).",
            icon="circle-alert",
            color_scheme="red",
            high_contrast=True,
            id="asset-not-found",
        ),
    )
    subtitle = rx.cond(
        S.asset_customer_id > 0,
        rx.link("← ", S.asset_customer, href=routes.staff_customer(S.asset_customer_id), size="2"),
        rx.link("← All customers", href=ACTIVE, size="2"),
    )
    title = rx.cond(S.asset_found, S.asset_title, "Asset")
    return staff_layout(ACTIVE, title, subtitle, body)

"""/portal/assets/[asset_id]: one of the account's assets: its details (the fields the shop shows), last
test, tests with their certificates, open and fixed defects with photos, and its orders."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_assets import defect_item, result_badge
from ...components.account_shell import account_layout, account_page
from ...state.portal_asset import FactView, OrderView, TestView
from ...state.portal_asset import PortalAssetState as S


def _section(title: str, element_id: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, as_="h3", size="5"), *children, spacing="3", width="100%"),
        size="3",
        width="100%",
        id=element_id,
    )


def _fact(fact: FactView) -> rx.Component:
    return rx.vstack(
        rx.text(fact.label, color_scheme="gray"),
        rx.text(fact.value, weight="medium", white_space="pre-line"),
        spacing="0",
        min_width="12rem",
        flex="1 1 12rem",
    )


def _test(test: TestView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                result_badge(test.result, test.result_label),
                rx.text(test.tested_on, weight="medium"),
                rx.cond(test.number != "", rx.text("No. ", test.number, color_scheme="gray")),
                wrap="wrap",
                spacing="2",
                align="center",
            ),
            rx.cond(test.notes != "", rx.text(test.notes, white_space="pre-line")),
            rx.cond(
                test.certificate_url != "",
                rx.link(
                    rx.icon("file-down", size=18, aria_hidden="true"),
                    "Download the certificate (PDF)",
                    href=test.certificate_url,
                    is_external=True,
                    class_name="portal-link",
                    aria_label="Download the certificate of the test on " + test.tested_on,
                ),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        class_name="asset-test",
    )


def _order(order: OrderView) -> rx.Component:
    return rx.hstack(
        rx.text(order.reference, weight="bold", font_family="var(--code-font-family)"),
        rx.text(order.booked_in, color_scheme="gray"),
        rx.badge(order.stage, variant="soft", color_scheme="gray", high_contrast=True, size="2"),
        wrap="wrap",
        spacing="3",
        align="center",
        width="100%",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-4)",
        class_name="asset-order",
    )


def _defects(title: str, rows, empty: str, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, as_="h4", size="4"),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, lambda d: defect_item(d, with_asset=False)), spacing="3", width="100%"),
            rx.text(empty, color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
        id=element_id,
    )


def _found() -> rx.Component:
    header = rx.card(
        rx.vstack(
            rx.heading(S.card.title, as_="h2", size="6", id="asset-title"),
            rx.cond(
                S.shows_tests,
                rx.hstack(
                    rx.text("Last test:", weight="medium"),
                    result_badge(S.card.last_result, S.card.last_test),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                    id="asset-last-test",
                ),
            ),
            rx.flex(rx.foreach(S.facts, _fact), gap="1rem 2rem", wrap="wrap", width="100%", id="asset-facts"),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )
    return rx.vstack(
        header,
        rx.cond(
            S.shows_tests,
            _section(
                "Tests",
                "asset-tests",
                rx.cond(
                    S.tests.length() > 0,
                    rx.vstack(rx.foreach(S.tests, _test), spacing="3", width="100%"),
                    rx.text("No tests recorded yet.", color_scheme="gray"),
                ),
            ),
        ),
        rx.cond(
            S.shows_defects,
            _section(
                "Defects",
                "asset-defects",
                _defects("Open", S.open_defects, "No open defects.", "asset-open-defects"),
                _defects("Fixed", S.fixed_defects, "None fixed yet.", "asset-fixed-defects"),
            ),
        ),
        rx.cond(
            S.shows_orders,
            _section(
                "Orders",
                "asset-orders",
                rx.cond(
                    S.asset_orders.length() > 0,
                    rx.vstack(rx.foreach(S.asset_orders, _order), spacing="0", width="100%"),
                    rx.text("No orders for this asset.", color_scheme="gray"),
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )


@account_page(routes.PORTAL_ASSET, "Asset", on_load=[S.load_asset])
def account_asset() -> rx.Component:
    back = rx.link(
        rx.icon("arrow-left", size=18, aria_hidden="true"),
        "All assets",
        href=routes.PORTAL_ASSETS,
        class_name="portal-link",
        id="asset-back",
    )
    missing = rx.callout(
        "We can't find that asset in your account.",
        icon="circle-alert",
        color_scheme="red",
        high_contrast=True,
        id="asset-not-found",
    )
    body = rx.cond(
        S.asset_loaded,
        rx.cond(S.asset_found, _found(), missing),
        rx.center(rx.spinner(size="3"), width="100%", padding="2rem"),
    )
    return account_layout("assets", back, body)

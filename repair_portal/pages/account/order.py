"""/portal/orders/[order_id]: one of the account's orders, in the same view as the tracking link, plus the
customer's purchase-order number and site, and (with the permission) adding photos or PDFs."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_layout, account_page
from ...components.portal.order_view import order_view
from ...components.portal.screen import OrderScreen
from ...components.ui import live_marker, named_upload
from ...services import attachments
from ...state.account_order import MAX_FILES
from ...state.account_order import AccountOrderState as A
from ...state.order_pay import AccountPayState
from ...state.track_texts import AccountTextsState

UPLOAD_ID = "account-upload"
MAX_MB = attachments.MAX_FILE_BYTES // (1024 * 1024)


def _upload() -> rx.Component:
    return rx.cond(
        A.can_upload,
        rx.card(
            rx.vstack(
                rx.heading("Add photos or documents", as_="h3", size="4"),
                rx.text(
                    f"Photos (JPEG, PNG, HEIC) or PDFs, up to {MAX_MB} MB each and {MAX_FILES} at a time. "
                    "The shop sees them straight away.",
                    size="3",
                    color_scheme="gray",
                ),
                named_upload(
                    "Photos or PDFs to add",
                    rx.vstack(
                        rx.icon("upload", size=22, aria_hidden="true"),
                        rx.text("Choose files, or drop them here", size="3"),
                        align="center",
                        spacing="2",
                    ),
                    id=UPLOAD_ID,
                    multiple=True,
                    max_files=MAX_FILES,
                    accept={"image/*": [], "application/pdf": [".pdf"]},
                    border="2px dashed var(--gray-7)",
                    border_radius="10px",
                    padding="1.25rem",
                    width="100%",
                    cursor="pointer",
                ),
                rx.text(rx.selected_files(UPLOAD_ID).join(", "), size="2", color_scheme="gray", id="upload-chosen"),
                rx.button(
                    "Upload",
                    size="3",
                    on_click=A.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    id="upload-submit",
                ),
                rx.cond(A.upload_error != "", rx.text(A.upload_error, size="3", color="var(--red-11)", role="alert")),
                spacing="3",
                width="100%",
            ),
            size="2",
            width="100%",
            id="account-upload-card",
        ),
    )


SCREEN = OrderScreen(
    view=A.view,
    stage=A.stage,
    thread=A.thread,
    docs_base=A.docs_base,
    qr_src=A.qr_src,
    highlight=A.highlight,
    preview=A.preview,
    tab=A.tab,
    reload=A.reload,
    on_message=A.handle_message,
    on_feedback=A.handle_feedback,
    quote=A,
    reports=A.service_reports,
    upload=_upload(),
    pay=AccountPayState,
    texts=AccountTextsState,
)


def _facts() -> rx.Component:
    return rx.cond(
        (A.po_number != "") | (A.site_name != "") | (A.scheduled != ""),
        rx.flex(
            rx.cond(A.site_name != "", rx.text(rx.text.span("Site: ", color_scheme="gray"), A.site_name, size="3")),
            rx.cond(
                A.scheduled != "",
                rx.text(rx.text.span("Scheduled: ", color_scheme="gray"), A.scheduled, size="3", id="order-scheduled"),
            ),
            rx.cond(
                A.po_number != "",
                rx.text(rx.text.span("Your PO number: ", color_scheme="gray"), A.po_number, size="3", id="order-po"),
            ),
            gap="0.5rem 1.5rem",
            wrap="wrap",
        ),
    )


def _back() -> rx.Component:
    return rx.link(
        "← All orders",
        href=routes.PORTAL_ORDERS,
        size="3",
        id="order-back",
        style={"color": "var(--accent-text)", "min_height": "44px", "display": "inline-flex", "align_items": "center"},
    )


@account_page(routes.PORTAL_ORDER, "Order", on_load=[A.load_tracking])
def account_order() -> rx.Component:
    return account_layout(
        "orders",
        _back(),
        rx.match(
            A.status,
            ("ok", rx.vstack(live_marker(A.live), _facts(), order_view(SCREEN), spacing="3", width="100%")),
            (
                "not_found",
                rx.card(
                    rx.text("That order isn't on your account, or you can't see it.", size="3", id="order-not-found"),
                    size="3",
                    width="100%",
                ),
            ),
            rx.center(rx.spinner(size="3"), min_height="30vh"),
        ),
    )

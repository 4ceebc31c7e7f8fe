"""/staff/orders/[order_id]: one order."""

from __future__ import annotations

import reflex as rx

from ...components.staff_shell import staff_layout, staff_page
from ...live import live_refresh
from ...state.staff_order import (
    EmailRow,
    FileItemRow,
    HistoryRow,
    QuoteFormRow,
    StaffOrderState,
    StageOption,
    ThreadRow,
)

S = StaffOrderState


def _api(path: str) -> rx.Var:
    return "/api/staff/orders/" + S.current_order_id.to(str) + path


def _card(title: str, *children, **props) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(title, size="2", weight="bold", color_scheme="gray"), *children, spacing="3", width="100%"),
        size="2",
        width="100%",
        **props,
    )


def _fact(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
        min_width="9rem",
    )


def _summary() -> rx.Component:
    return _card(
        "Repair",
        rx.flex(
            _fact("Customer", S.customer_name),
            _fact("Phone", rx.cond(S.customer_phone != "", S.customer_phone, "—")),
            _fact("Email", rx.cond(S.customer_email != "", S.customer_email, "—")),
            _fact("Device", S.device),
            _fact("Serial / IMEI", rx.cond(S.serial != "", S.serial, "—")),
            _fact("Location", S.location),
            _fact("Booked in", S.booked_in),
            _fact("Promised", rx.cond(S.promised != "", S.promised, "—")),
            _fact("Technician", S.assigned_to),
            gap="1rem 2rem",
            wrap="wrap",
        ),
        rx.divider(),
        rx.vstack(
            rx.text("Reported problem", size="1", color_scheme="gray"),
            rx.text(S.problem, size="2", white_space="pre-wrap"),
            spacing="1",
        ),
        rx.cond(
            S.intake_condition != "",
            rx.vstack(
                rx.text("Condition at intake", size="1", color_scheme="gray"),
                rx.text(S.intake_condition, size="2", white_space="pre-wrap"),
                spacing="1",
            ),
        ),
    )


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


def _email_row(item: EmailRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item.template),
        rx.table.cell(rx.text(item.recipient, color_scheme="gray")),
        rx.table.cell(
            rx.vstack(
                rx.badge(
                    item.status,
                    color_scheme=rx.match(
                        item.status, ("Sent", "green"), ("Failed", "red"), ("Queued", "gray"), "amber"
                    ),
                    variant="soft",
                ),
                rx.cond(item.error != "", rx.text(item.error, size="1", color_scheme="red")),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(item.when, color_scheme="gray")),
        class_name="email-row",
    )


def _emails() -> rx.Component:
    return _card(
        "Emails",
        rx.cond(
            S.emails.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Email", "To", "Status", "When")])
                ),
                rx.table.body(rx.foreach(S.emails, _email_row)),
                size="1",
                width="100%",
            ),
            rx.text("No emails for this order yet.", size="2", color_scheme="gray"),
        ),
        rx.button(rx.icon("refresh-cw", size=14), "Refresh", on_click=S.refresh_emails, variant="ghost", size="1"),
    )


def _thread_item(m: ThreadRow) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(m.author, size="1", weight="bold"),
            rx.cond(m.is_feedback, rx.badge("Feedback", color_scheme="amber", size="1")),
            rx.text(m.at, size="1", color_scheme="gray"),
            spacing="2",
            align="center",
        ),
        rx.text(m.body, size="2", white_space="pre-wrap"),
        align_self=rx.cond(m.from_customer, "flex-start", "flex-end"),
        background=rx.cond(m.from_customer, "var(--gray-3)", "var(--teal-3)"),
        padding="0.5rem 0.75rem",
        border_radius="10px",
        max_width="85%",
        class_name="staff-message",
    )


def _messages() -> rx.Component:
    return _card(
        "Messages with the customer",
        rx.cond(
            S.thread.length() > 0,
            rx.flex(rx.foreach(S.thread, _thread_item), direction="column", gap="0.5rem", width="100%"),
            rx.text("No messages yet.", size="2", color_scheme="gray"),
        ),
        rx.form(
            rx.hstack(
                rx.text_area(
                    name="reply",
                    placeholder="Reply to the customer…",
                    rows="2",
                    width="100%",
                    id="staff-reply",
                    max_length=2000,
                ),
                rx.button(rx.icon("send", size=14), "Reply", type="submit", size="2", id="staff-reply-send"),
                width="100%",
                align="end",
            ),
            on_submit=S.handle_reply,
            reset_on_submit=True,
            width="100%",
        ),
    )


def _quote_row(row: QuoteFormRow, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=row.description,
            placeholder="Description",
            size="2",
            flex="1",
            on_change=lambda v: S.set_quote_cell(index, "description", v),
            class_name="q-desc",
        ),
        rx.input(
            value=row.quantity,
            size="2",
            width="4rem",
            aria_label="Quantity",
            on_change=lambda v: S.set_quote_cell(index, "quantity", v),
            class_name="q-qty",
        ),
        rx.input(
            value=row.price,
            placeholder="0.00",
            size="2",
            width="6.5rem",
            aria_label="Unit price",
            on_change=lambda v: S.set_quote_cell(index, "price", v),
            class_name="q-price",
        ),
        rx.tooltip(
            rx.checkbox(
                checked=row.optional,
                on_change=lambda v: S.set_quote_cell(index, "optional", v),
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
            on_click=S.remove_quote_row(index),
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
        rx.foreach(S.quote_rows, _quote_row),
        rx.button(
            rx.icon("plus", size=14),
            "Add line",
            variant="ghost",
            size="1",
            on_click=S.add_quote_row,
            id="quote-add-line",
        ),
        rx.cond(
            S.quote_form_error != "",
            rx.callout(
                S.quote_form_error,
                icon="circle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                id="quote-form-error",
            ),
        ),
        rx.hstack(
            rx.button("Cancel", variant="soft", color_scheme="gray", size="2", on_click=S.close_quote_form),
            rx.button(
                rx.icon("send", size=14), "Send to customer", size="2", on_click=S.handle_send_quote, id="quote-send"
            ),
            justify="end",
            width="100%",
        ),
        spacing="2",
        width="100%",
        padding_top="0.5rem",
    )


def _quote_card() -> rx.Component:
    return _card(
        "Quote and signatures",
        rx.hstack(
            rx.match(
                S.quote_state,
                ("sent", rx.badge("Awaiting customer", color_scheme="amber")),
                ("approved", rx.badge("Approved", color_scheme="green")),
                ("declined", rx.badge("Declined", color_scheme="red")),
                rx.fragment(),
            ),
            rx.text(S.quote_summary, size="2", id="staff-quote-summary"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.foreach(S.signed, lambda line: rx.text(line, size="1", color_scheme="gray", class_name="staff-signed")),
        rx.cond(
            S.signed.length() > 0,
            rx.link("Signed authorisation (PDF)", href=_api("/signed.pdf"), is_external=True, size="2"),
        ),
        rx.cond(
            S.can_manage_quotes,
            rx.cond(
                S.quote_form_open,
                _quote_form(),
                rx.flex(
                    rx.button(
                        rx.cond(S.quote_state == "", "Build a quote", "Revise quote"),
                        size="2",
                        variant="soft",
                        on_click=S.open_quote_form,
                        id="quote-open",
                    ),
                    rx.cond(
                        S.quote_state == "sent",
                        rx.fragment(
                            rx.button(
                                "Approved by phone",
                                size="2",
                                variant="surface",
                                color_scheme="green",
                                on_click=S.handle_staff_decision("phone-yes"),
                                id="quote-phone-yes",
                            ),
                            rx.button(
                                "Approved at the counter",
                                size="2",
                                variant="surface",
                                color_scheme="green",
                                on_click=S.handle_staff_decision("counter-yes"),
                            ),
                            rx.button(
                                "Declined by phone",
                                size="2",
                                variant="surface",
                                color_scheme="red",
                                on_click=S.handle_staff_decision("phone-no"),
                            ),
                        ),
                    ),
                    gap="0.5rem",
                    wrap="wrap",
                ),
            ),
        ),
    )


def _payments_card() -> rx.Component:
    return _card(
        "Payments",
        rx.text(S.money_summary, size="2", weight="medium", id="staff-money"),
        rx.foreach(
            S.payment_rows, lambda line: rx.text(line, size="1", color_scheme="gray", class_name="staff-payment")
        ),
        rx.cond(
            S.can_record_payments,
            rx.form(
                rx.vstack(
                    rx.flex(
                        rx.input(
                            name="amount", placeholder="Amount, e.g. 50.00", size="2", id="pay-amount", width="9rem"
                        ),
                        rx.select.root(
                            rx.select.trigger(width="9rem", id="pay-method"),
                            rx.select.content(
                                rx.select.item("Card", value="card"),
                                rx.select.item("Cash", value="cash"),
                                rx.select.item("Bank transfer", value="bank_transfer"),
                                rx.select.item("Other", value="other"),
                            ),
                            name="method",
                            default_value="card",
                            size="2",
                        ),
                        rx.input(
                            name="reference", placeholder="Reference (optional)", size="2", flex="1", min_width="8rem"
                        ),
                        gap="0.5rem",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.flex(
                        rx.checkbox("Refund", name="refund", id="pay-refund"),
                        rx.input(
                            name="note",
                            placeholder="Reason (required for refunds)",
                            size="2",
                            flex="1",
                            min_width="10rem",
                            id="pay-note",
                        ),
                        rx.button("Record", type="submit", size="2", id="pay-submit"),
                        gap="0.5rem",
                        align="center",
                        wrap="wrap",
                        width="100%",
                    ),
                    rx.cond(
                        S.payment_error != "",
                        rx.callout(S.payment_error, icon="circle-alert", color_scheme="red", size="1", id="pay-error"),
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.handle_payment,
                reset_on_submit=True,
                width="100%",
            ),
        ),
    )


def _file_row(item: FileItemRow) -> rx.Component:
    return rx.hstack(
        rx.icon(rx.cond(item.kind == "photo", "image", "file-text"), size=16),
        rx.text(item.title, size="2", flex="1", class_name="staff-file"),
        rx.text(item.size_kb, " KB", size="1", color_scheme="gray"),
        rx.hstack(
            rx.switch(checked=item.visible, on_change=lambda v: S.toggle_file_visible(item.id, v), size="1"),
            rx.text(
                rx.cond(item.visible, "Customer sees it", "Staff only"), size="1", color_scheme="gray", width="7.5rem"
            ),
            align="center",
            spacing="2",
        ),
        width="100%",
        align="center",
    )


def _files_card() -> rx.Component:
    return _card(
        "Photos and documents",
        rx.cond(
            S.files.length() > 0,
            rx.vstack(rx.foreach(S.files, _file_row), spacing="2", width="100%"),
            rx.text("No files yet.", size="2", color_scheme="gray"),
        ),
        rx.upload(
            rx.vstack(
                rx.icon("upload", size=20, color="var(--gray-10)"),
                rx.text("Drop photos or PDFs here, or click to choose", size="2", color_scheme="gray"),
                align="center",
                spacing="1",
            ),
            id="order-files",
            multiple=True,
            max_files=20,
            max_size=15 * 1024 * 1024,
            accept={
                "image/jpeg": [".jpg", ".jpeg"],
                "image/png": [".png"],
                "image/webp": [".webp"],
                "application/pdf": [".pdf"],
            },
            border="1px dashed var(--gray-7)",
            border_radius="10px",
            padding="1rem",
            width="100%",
        ),
        rx.hstack(
            rx.foreach(rx.selected_files("order-files"), lambda name: rx.badge(name, variant="soft")),
            wrap="wrap",
            spacing="1",
        ),
        rx.hstack(
            rx.checkbox(
                "Visible to the customer", checked=S.upload_visible, on_change=S.set_upload_visible, id="upload-visible"
            ),
            rx.spacer(),
            rx.button(
                rx.icon("upload", size=14),
                "Upload",
                size="2",
                id="upload-submit",
                on_click=[
                    S.handle_upload(rx.upload_files(upload_id="order-files")),
                    rx.clear_selected_files("order-files"),
                ],
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.upload_error != "",
            rx.callout(S.upload_error, icon="circle-alert", color_scheme="red", size="1", id="upload-error"),
        ),
    )


def _stage_option(option: StageOption) -> rx.Component:
    return rx.select.item(option.name, value=option.id)


def _stage_card() -> rx.Component:
    return _card(
        "Stage",
        rx.badge(S.stage, color_scheme=S.stage_color, size="3", variant="soft", id="current-stage"),
        rx.cond(
            S.can_change_stage,
            rx.form(
                rx.hstack(
                    rx.box(
                        rx.select.root(
                            rx.select.trigger(placeholder="Move to…", width="100%", id="stage-select"),
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


def _link_card() -> rx.Component:
    return _card(
        "Customer portal link",
        rx.cond(
            S.tracking_url != "",
            rx.vstack(
                rx.code(S.tracking_url, size="1", variant="soft", id="tracking-url", style={"word_break": "break-all"}),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy for SMS/WhatsApp",
                        on_click=S.handle_copy_link,
                        variant="soft",
                        size="2",
                        id="copy-link",
                    ),
                    rx.cond(
                        S.can_send_link & (S.customer_email != ""),
                        rx.button(
                            rx.icon("send", size=14),
                            "Email link",
                            on_click=S.handle_send_link,
                            size="2",
                            id="send-link",
                        ),
                    ),
                    wrap="wrap",
                ),
                rx.link("Preview as customer", href=S.tracking_url, is_external=True, size="2"),
                rx.cond(
                    S.can_manage_links,
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(
                            rx.button(
                                rx.icon("refresh-ccw", size=14),
                                "Issue a new link",
                                variant="ghost",
                                color_scheme="red",
                                size="1",
                                id="rotate-link",
                            )
                        ),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title("Issue a new link?"),
                            rx.alert_dialog.description(
                                "The current link and QR code stop working at once, and the customer must "
                                "confirm their last name again. Send or print the new link afterwards."
                            ),
                            rx.hstack(
                                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                                rx.alert_dialog.action(
                                    rx.button(
                                        "Issue new link",
                                        color_scheme="red",
                                        on_click=S.handle_rotate_link,
                                        id="rotate-confirm",
                                    )
                                ),
                                justify="end",
                                spacing="2",
                                padding_top="1rem",
                            ),
                        ),
                    ),
                ),
                rx.image(
                    src=_api("/qr.png"), width="8rem", height="8rem", alt="QR code of the portal link", id="staff-qr"
                ),
                spacing="2",
                width="100%",
            ),
            rx.text("This order has no live link.", size="2", color_scheme="gray"),
        ),
    )


def _print_link(label: str, path: str, icon: str, element_id: str) -> rx.Component:
    return rx.link(
        rx.button(rx.icon(icon, size=14), label, variant="surface", size="2", width="100%", justify="start"),
        href=_api(path),
        is_external=True,
        id=element_id,
        width="100%",
    )


def _print_card() -> rx.Component:
    return rx.cond(
        S.can_print,
        _card(
            "Print",
            _print_link("Intake ticket (A4)", "/ticket.pdf?layout=a4", "file-text", "print-ticket-a4"),
            _print_link("Intake ticket (Letter)", "/ticket.pdf?layout=letter", "file-text", "print-ticket-letter"),
            _print_link("Receipt (80 mm)", "/ticket.pdf?layout=receipt80", "receipt", "print-receipt"),
            _print_link("Device label (62 × 29 mm)", "/label.pdf", "tag", "print-label"),
            rx.cond(S.has_quote, _print_link("Quote PDF", "/quote.pdf", "file-spreadsheet", "print-quote")),
            rx.cond(S.has_quote, _print_link("Invoice / receipt PDF", "/invoice.pdf", "file-check", "print-invoice")),
        ),
    )


def _missing() -> rx.Component:
    return rx.callout("This order doesn't exist (or was removed).", icon="circle-alert", color_scheme="red")


@staff_page("/staff/orders/[order_id]", "Order", on_load=[StaffOrderState.load_order])
def order_page() -> rx.Component:
    body = rx.cond(
        S.found,
        rx.flex(
            rx.vstack(
                live_refresh(S.refresh_emails),
                _summary(),
                _quote_card(),
                _payments_card(),
                _files_card(),
                _messages(),
                _emails(),
                spacing="4",
                flex="2",
                min_width="0",
                width="100%",
            ),
            rx.vstack(_stage_card(), _link_card(), _print_card(), spacing="4", flex="1", min_width="0", width="100%"),
            direction=rx.breakpoints(initial="column", md="row"),
            gap="1rem",
            width="100%",
            align="start",
        ),
        _missing(),
    )
    subtitle = rx.hstack(rx.link("← All orders", href="/staff", size="2"), spacing="2")
    return staff_layout("/staff", "Order " + S.reference, subtitle, body)

"""The photos and documents card: list with a visible-to-customer switch, and the uploader."""

from __future__ import annotations

import reflex as rx

from ...state.staff_order import StaffOrderState as S
from ...state.staff_order_files import StaffOrderFilesState as F
from ...state.staff_order_rows import FileItemRow
from ..ui import named_upload
from .common import card


def _file_row(item: FileItemRow) -> rx.Component:
    return rx.hstack(
        rx.cond(item.kind == "photo", rx.icon("image", size=16), rx.icon("file-text", size=16)),
        rx.text(item.title, size="2", flex="1", class_name="staff-file"),
        rx.text(item.size_kb, " KB", size="1", color_scheme="gray"),
        rx.hstack(
            rx.switch(
                checked=item.visible,
                on_change=lambda v: F.toggle_file_visible(item.id, v),
                size="1",
                aria_label="Customer sees " + item.title,
            ),
            rx.text(
                rx.cond(item.visible, "Customer sees it", "Staff only"), size="1", color_scheme="gray", width="7.5rem"
            ),
            align="center",
            spacing="2",
        ),
        width="100%",
        align="center",
    )


def files_card() -> rx.Component:
    return card(
        "Photos and documents",
        rx.cond(
            S.files.length() > 0,
            rx.vstack(rx.foreach(S.files, _file_row), spacing="2", width="100%"),
            rx.text("No files yet.", size="2", color_scheme="gray"),
        ),
        named_upload(
            "Choose photos or PDFs",
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
                "Visible to the customer", checked=F.upload_visible, on_change=F.set_upload_visible, id="upload-visible"
            ),
            rx.spacer(),
            rx.button(
                rx.icon("upload", size=14),
                "Upload",
                size="2",
                id="upload-submit",
                on_click=[
                    F.handle_upload(rx.upload_files(upload_id="order-files")),
                    rx.clear_selected_files("order-files"),
                ],
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            F.upload_error != "",
            rx.callout(
                F.upload_error, icon="circle-alert", color_scheme="red", high_contrast=True, size="1", id="upload-error"
            ),
        ),
    )

"""The logo drop zone, chosen-file row and upload button shared by the shop and location settings."""

from __future__ import annotations

import reflex as rx

from ...services.branding import MAX_LOGO_BYTES
from ..ui import named_upload

LOGO_TYPES = {"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]}


def logo_uploader(
    upload_id: str, on_upload, error, id_prefix: str, prompt: rx.Component, *, extra: rx.Component | None = None
) -> list[rx.Component]:
    """[drop zone, chosen file + buttons, error]; `on_upload` is the state's upload handler (its server
    side checks size, type and identity again: the browser's limits are only a convenience)."""
    return [
        named_upload(
            "Choose a logo",
            prompt,
            id=upload_id,
            max_files=1,
            max_size=MAX_LOGO_BYTES,
            accept=LOGO_TYPES,
            border="1px dashed var(--gray-7)",
            border_radius="10px",
            padding="0.75rem",
            width="100%",
        ),
        rx.hstack(
            rx.foreach(rx.selected_files(upload_id), lambda name: rx.badge(name, variant="soft")),
            rx.spacer(),
            *([extra] if extra is not None else []),
            rx.button(
                rx.icon("upload", size=14),
                "Upload logo",
                size="2",
                id=f"{id_prefix}-logo-submit",
                on_click=[on_upload(rx.upload_files(upload_id=upload_id)), rx.clear_selected_files(upload_id)],
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            error != "",
            rx.callout(
                error,
                icon="circle-alert",
                color_scheme="red",
                high_contrast=True,
                size="1",
                id=f"{id_prefix}-logo-error",
            ),
        ),
    ]

"""Photos and documents the shop shared."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import FileItem
from .common import section_title
from .screen import OrderScreen


def file_tile(s: OrderScreen, item: FileItem) -> rx.Component:
    return rx.cond(
        item.is_photo,
        rx.link(
            rx.image(
                src=s.docs_base + "/files/" + item.id.to_string(),
                alt=item.title,
                width="100%",
                height="7.5rem",
                object_fit="cover",
                border_radius="8px",
                loading="lazy",
            ),
            href=s.docs_base + "/files/" + item.id.to_string(),
            is_external=True,
            class_name="portal-photo",
        ),
        rx.link(
            rx.icon("file-text", size=18, aria_hidden="true"),
            item.title,
            href=s.docs_base + "/files/" + item.id.to_string(),
            is_external=True,
            class_name="portal-document portal-link",
        ),
    )


def documents(s: OrderScreen) -> rx.Component:
    return rx.card(
        rx.vstack(
            section_title(s.view.files_tab),
            rx.cond(
                s.view.files.length() > 0,
                rx.grid(
                    rx.foreach(s.view.files, lambda item: file_tile(s, item)), columns="2", gap="0.5rem", width="100%"
                ),
                rx.text(
                    "Nothing here yet. We'll add photos of your device as we work on it.", size="2", color_scheme="gray"
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )

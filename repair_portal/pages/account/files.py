"""/portal/files: shared files (certificates, manuals) in their folders, to download."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.account_shell import account_layout, account_page
from ...components.portal.common import button_link, section_title
from ...services.resources import FileView, FolderView
from ...state.portal_resources import PortalResourcesState as R


def _file(item: FileView) -> rx.Component:
    return rx.flex(
        rx.cond(
            item.is_pdf,
            rx.icon("file-text", size=20, aria_hidden="true", flex_shrink="0"),
            rx.icon("image", size=20, aria_hidden="true", flex_shrink="0"),
        ),
        rx.vstack(
            rx.text(item.title, size="3", weight="medium"),
            rx.text(
                rx.cond(item.is_pdf, "PDF", "Image"),
                " · ",
                item.size,
                " · added ",
                item.added,
                size="2",
                color_scheme="gray",
            ),
            spacing="0",
            flex="1",
            min_width="10rem",
        ),
        button_link(
            rx.icon("download", size=18, aria_hidden="true"),
            "Download",
            href=routes.portal_resource_file(item.id),
            soft=True,
            aria_label="Download " + item.title,
        ),
        gap="0.75rem",
        align="center",
        wrap="wrap",
        width="100%",
        class_name="shared-file",
    )


def _folder(folder: FolderView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("folder", size=20, aria_hidden="true"), section_title(folder.name), align="center"),
            rx.foreach(folder.files, _file),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        class_name="shared-folder",
    )


@account_page(routes.PORTAL_RESOURCES, "Shared files", on_load=[R.load_shared_files])
def account_files() -> rx.Component:
    return account_layout(
        "files",
        rx.cond(
            R.shared_folders.length() > 0,
            rx.vstack(rx.foreach(R.shared_folders, _folder), spacing="4", width="100%", id="shared-folders"),
            rx.cond(
                R.shared_loaded,
                rx.card(
                    rx.text("Nothing has been shared with your account yet.", size="3", color_scheme="gray"),
                    size="2",
                    width="100%",
                    id="shared-empty",
                ),
            ),
        ),
    )

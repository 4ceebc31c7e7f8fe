"""/staff/settings/shared-files: folders of files shared with customer accounts (certificates, manuals)."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import field_error, field_label, named_upload
from ...services.resources import FileView, FolderView
from ...state.staff_resources import CHOSEN_ACCOUNTS, EVERY_ACCOUNT, AccountChoice
from ...state.staff_resources import StaffResourcesState as S


def _confirm(trigger: rx.Component, title, description: str, label: str, handler, confirm_id) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(label, color_scheme="red", on_click=handler, id=confirm_id)),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
    )


def _file_row(item: FileView) -> rx.Component:
    return rx.flex(
        rx.cond(
            item.is_pdf, rx.icon("file-text", size=16, flex_shrink="0"), rx.icon("image", size=16, flex_shrink="0")
        ),
        rx.link(
            item.title,
            href=routes.staff_resource_file(item.id),
            is_external=True,
            size="2",
            class_name="shared-file",
            flex="1",
            min_width="8rem",
        ),
        rx.text(item.size, " · ", item.added, size="1", color_scheme="gray"),
        rx.badge(
            item.sharing,
            color_scheme=rx.cond(item.sharing == "Not shared yet", "amber", "gray"),
            high_contrast=True,
        ),
        rx.button(
            rx.icon("users", size=14),
            "Sharing",
            size="1",
            variant="soft",
            on_click=S.open_sharing(item.id),
            aria_label="Sharing of " + item.title,
        ),
        _confirm(
            rx.button(
                rx.icon("trash-2", size=14),
                "Delete",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Delete " + item.title,
            ),
            "Delete " + item.title + "?",
            "Every account it is shared with loses it at once.",
            "Delete",
            S.handle_delete_file(item.id),
            "confirm-delete-file",
        ),
        gap="0.5rem",
        align="center",
        wrap="wrap",
        width="100%",
    )


def _folder(folder: FolderView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("folder", size=18),
                rx.heading(folder.name, as_="h2", size="3"),
                rx.spacer(),
                rx.button(
                    "Rename",
                    size="1",
                    variant="soft",
                    on_click=S.open_rename(folder.id),
                    aria_label="Rename " + folder.name,
                ),
                rx.cond(
                    folder.files.length() == 0,
                    _confirm(
                        rx.button(
                            "Delete",
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            aria_label="Delete folder " + folder.name,
                        ),
                        "Delete the folder " + folder.name + "?",
                        "It is empty; nothing else changes.",
                        "Delete folder",
                        S.handle_delete_folder(folder.id),
                        "confirm-delete-folder",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                folder.files.length() > 0,
                rx.vstack(rx.foreach(folder.files, _file_row), spacing="2", width="100%"),
                rx.text("No files in this folder yet.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        class_name="shared-folder",
    )


def _add_folder() -> rx.Component:
    return rx.form(
        rx.vstack(
            field_label("New folder", "folder-name"),
            rx.hstack(
                rx.input(name="folder_name", id="folder-name", placeholder="e.g. Certificates", width="100%"),
                rx.button(rx.icon("folder-plus", size=14), "Add folder", type="submit", id="folder-add"),
                width="100%",
            ),
            field_error(S.folder_error, "folder-name"),
            spacing="1",
            width="100%",
        ),
        on_submit=S.handle_add_folder,
        reset_on_submit=True,
        width="100%",
    )


def _folder_option(folder: FolderView) -> rx.Component:
    return rx.select.item(folder.name, value=folder.id.to_string())


def _upload() -> rx.Component:
    return rx.vstack(
        field_label("Upload into", "upload-folder"),
        rx.select.root(
            rx.select.trigger(id="upload-folder", width="100%"),
            rx.select.content(rx.foreach(S.folders, _folder_option)),
            value=S.upload_folder_id,
            on_change=S.set_upload_folder,
        ),
        named_upload(
            "Choose PDFs or images",
            rx.vstack(
                rx.icon("upload", size=20, color="var(--gray-10)"),
                rx.text("Drop PDFs or images here, or click to choose", size="2", color_scheme="gray"),
                align="center",
                spacing="1",
            ),
            id="shared-files",
            multiple=True,
            max_files=10,
            max_size=25 * 1024 * 1024,
            accept={
                "application/pdf": [".pdf"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/png": [".png"],
                "image/webp": [".webp"],
            },
            border="1px dashed var(--gray-7)",
            border_radius="10px",
            padding="1rem",
            width="100%",
        ),
        rx.hstack(
            rx.foreach(rx.selected_files("shared-files"), lambda name: rx.badge(name, variant="soft")),
            wrap="wrap",
            spacing="1",
        ),
        rx.checkbox(
            "Share with every account",
            checked=S.upload_everyone,
            on_change=S.set_upload_everyone,
            id="upload-everyone",
        ),
        rx.text(
            "Otherwise nobody sees the new files until you choose the accounts (Sharing). PDF and images only, "
            "25 MB each.",
            size="1",
            color_scheme="gray",
        ),
        rx.button(
            rx.icon("upload", size=14),
            "Upload",
            id="shared-upload",
            on_click=[
                S.handle_upload(rx.upload_files(upload_id="shared-files")),
                rx.clear_selected_files("shared-files"),
            ],
        ),
        rx.cond(
            S.upload_error != "",
            rx.callout(
                S.upload_error,
                icon="circle-alert",
                color_scheme="red",
                high_contrast=True,
                size="1",
                id="shared-upload-error",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Rename folder"),
            rx.form(
                rx.vstack(
                    field_label("Name", "rename-folder"),
                    rx.input(
                        name="folder_name",
                        id="rename-folder",
                        default_value=S.rename_name,
                        width="100%",
                    ),
                    field_error(S.folder_error, "rename-folder"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                        rx.button("Save", type="submit", id="rename-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="2",
                ),
                on_submit=S.handle_rename_folder,
                key=S.rename_folder_id.to(str),
            ),
        ),
        open=S.rename_open,
        on_open_change=S.set_rename_open,
    )


def _account(choice: AccountChoice) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(name="account_" + choice.id.to_string(), default_checked=choice.chosen),
            rx.text(choice.name, size="2"),
            spacing="2",
            align="center",
            min_height="32px",
        )
    )


def _sharing_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Who sees ", S.sharing_title),
            rx.form(
                rx.vstack(
                    rx.radio_group.root(
                        rx.vstack(
                            rx.el.label(rx.hstack(rx.radio_group.item(value=EVERY_ACCOUNT), "Every account")),
                            rx.el.label(rx.hstack(rx.radio_group.item(value=CHOSEN_ACCOUNTS), "Only these accounts")),
                            spacing="2",
                        ),
                        value=S.sharing_mode,
                        on_change=S.set_sharing_mode,
                        aria_label="Share with",
                    ),
                    rx.cond(
                        S.sharing_mode == CHOSEN_ACCOUNTS,
                        rx.cond(
                            S.sharing_accounts.length() > 0,
                            rx.box(
                                rx.vstack(rx.foreach(S.sharing_accounts, _account), spacing="1"),
                                max_height="18rem",
                                overflow_y="auto",
                                width="100%",
                                tab_index=0,
                                role="group",
                                aria_label="Accounts",
                            ),
                            rx.text("There are no business accounts yet.", size="2", color_scheme="gray"),
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
                        rx.button("Save", type="submit", id="sharing-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.handle_save_sharing,
                key=S.sharing_key.to(str),
            ),
        ),
        open=S.sharing_open,
        on_open_change=S.set_sharing_open,
    )


@staff_page(routes.STAFF_SETTINGS_RESOURCES, "Shared files", on_load=[S.load_shared_files])
def shared_files_page() -> rx.Component:
    body = rx.flex(
        rx.vstack(
            rx.cond(
                S.folders.length() > 0,
                rx.foreach(S.folders, _folder),
                rx.card(rx.text("No folders yet: add one, then upload files into it.", size="2"), width="100%"),
            ),
            spacing="4",
            flex="2",
            min_width="0",
            width="100%",
        ),
        rx.vstack(
            rx.card(_add_folder(), size="2", width="100%"),
            rx.cond(S.folders.length() > 0, rx.card(_upload(), size="2", width="100%")),
            spacing="4",
            flex="1",
            min_width="0",
            width="100%",
        ),
        _rename_dialog(),
        _sharing_dialog(),
        direction=rx.breakpoints(initial="column", md="row"),
        gap="1rem",
        width="100%",
        align="start",
    )
    return staff_layout(
        routes.STAFF_SETTINGS_RESOURCES,
        "Shared files",
        "Certificates, manuals and other files customer accounts download from their portal.",
        body,
    )

"""Settings → Shared files: folders, uploads into them, and who sees each file."""

from __future__ import annotations

import dataclasses

import reflex as rx

from ..actions import resources as resource_actions
from ..db import session_scope, write_session
from ..services import resources
from ..services.ids import parse_id
from ..services.permissions import Action
from ..services.resources import FolderView
from ..settings import get_settings
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_session import StaffSessionState
from .uploads import MB, upload_limit

MAX_FILES_PER_UPLOAD = 10
MAX_UPLOAD_REQUEST_BYTES = 100 * MB  # each file is capped on its own too (services/resources.py)
EVERY_ACCOUNT, CHOSEN_ACCOUNTS = "all", "chosen"


@dataclasses.dataclass
class AccountChoice:
    id: int
    name: str
    chosen: bool


class StaffResourcesState(StaffSessionState):
    folders: list[FolderView] = []
    upload_folder_id: str = ""
    upload_everyone: bool = False
    upload_error: str = ""
    folder_error: str = ""
    rename_open: bool = False
    rename_folder_id: int = 0
    rename_name: str = ""
    sharing_open: bool = False
    sharing_file_id: int = 0
    sharing_title: str = ""
    sharing_mode: str = CHOSEN_ACCOUNTS
    sharing_accounts: list[AccountChoice] = []
    sharing_key: int = 0

    def _files_dir(self):
        return resources.storage_dir(get_settings().uploads_dir)

    def _reload(self) -> None:
        with session_scope() as session:
            self.folders = resources.staff_folders(session)
        ids = {str(f.id) for f in self.folders}
        if self.upload_folder_id not in ids:
            self.upload_folder_id = str(self.folders[0].id) if self.folders else ""

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def load_shared_files(self):
        self.upload_error = self.folder_error = ""
        self.rename_open = self.sharing_open = False
        self._reload()

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def handle_add_folder(self, form_data: dict):
        name = str((form_data or {}).get("folder_name", ""))[:200]
        try:
            with write_session() as session:
                folder = resources.add_folder(session, name, self._actor(self._me()))
                folder_id, folder_name = folder.id, folder.name
        except resources.ResourceError as exc:
            self.folder_error = str(exc)
            return rx.toast.error(str(exc))
        self.folder_error = ""
        self._reload()
        self.upload_folder_id = str(folder_id)
        return rx.toast.success(f"Folder “{folder_name}” added.")

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def open_rename(self, folder_id: int):
        found = next((f for f in self.folders if f.id == parse_id(folder_id)), None)
        if found is None:
            return rx.toast.error("That folder no longer exists.")
        self.rename_folder_id, self.rename_name = found.id, found.name
        self.folder_error = ""
        self.rename_open = True
        return None

    @rx.event
    @form_only
    def set_rename_open(self, value: bool):
        self.rename_open = value is True

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def handle_rename_folder(self, form_data: dict):
        name = str((form_data or {}).get("folder_name", ""))[:200]
        try:
            with write_session() as session:
                resources.rename_folder(session, self.rename_folder_id or None, name, self._actor(self._me()))
        except resources.ResourceError as exc:
            self.folder_error = str(exc)
            return rx.toast.error(str(exc))
        self.rename_open, self.folder_error = False, ""
        self._reload()
        return rx.toast.success("Folder renamed.")

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def handle_delete_folder(self, folder_id: int):
        try:
            with write_session() as session:
                resources.delete_folder(session, parse_id(folder_id), self._actor(self._me()))
        except resources.ResourceError as exc:
            self._reload()
            return rx.toast.error(str(exc))
        self._reload()
        return rx.toast.success("Folder deleted.")

    @rx.event
    @form_only
    def set_upload_folder(self, value: str):
        self.upload_folder_id = str(value)[:20]

    @rx.event
    @form_only
    def set_upload_everyone(self, value: bool):
        self.upload_everyone = value is True

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    @upload_limit(MAX_UPLOAD_REQUEST_BYTES)
    async def handle_upload(self, files: list[rx.UploadFile]):
        actor, files_dir = self._actor(self._me()), self._files_dir()
        folder_id, everyone = parse_id(self.upload_folder_id), self.upload_everyone
        if folder_id is None:
            return rx.toast.error("Add a folder first, then upload into it.")
        # The browser's size limit isn't trusted: read at most one byte past the cap of each file.
        received = [
            (upload.filename or "file", await upload.read(resources.MAX_FILE_BYTES + 1))
            for upload in (files or [])[:MAX_FILES_PER_UPLOAD]
        ]
        outcome = await rx.run_in_thread(
            lambda: resource_actions.upload(files_dir, folder_id, received, everyone, actor)
        )
        extra = (
            [f"Only the first {MAX_FILES_PER_UPLOAD} files were taken; upload the rest separately."]
            if len(files or []) > MAX_FILES_PER_UPLOAD
            else []
        )
        self.upload_error = " ".join([outcome.detail, *extra]).strip()
        self._reload()
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def open_sharing(self, file_id: int):
        file_id = parse_id(file_id)
        with session_scope() as session:
            from ..models import ResourceFile

            item = session.get(ResourceFile, file_id) if file_id else None
            if item is None:
                self._reload()
                return rx.toast.error("That file no longer exists.")
            chosen = set(resources.shared_account_ids(session, item.id))
            accounts = resources.business_accounts(session)
            self.sharing_file_id, self.sharing_title = item.id, item.title
            self.sharing_mode = EVERY_ACCOUNT if item.shared_with_all else CHOSEN_ACCOUNTS
        self.sharing_accounts = [AccountChoice(cid, name, cid in chosen) for cid, name in accounts]
        self.sharing_key += 1
        self.sharing_open = True
        return None

    @rx.event
    @form_only
    def set_sharing_open(self, value: bool):
        self.sharing_open = value is True

    @rx.event
    @form_only
    def set_sharing_mode(self, value: str):
        self.sharing_mode = EVERY_ACCOUNT if value == EVERY_ACCOUNT else CHOSEN_ACCOUNTS

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    def handle_save_sharing(self, form_data: dict):
        form_data = form_data if isinstance(form_data, dict) else {}
        everyone = self.sharing_mode == EVERY_ACCOUNT
        chosen = [
            parse_id(str(key).removeprefix("account_"))
            for key, value in form_data.items()
            if str(key).startswith("account_") and value not in (None, "", False, "off")
        ]
        try:
            with write_session() as session:
                resources.set_sharing(
                    session, self.sharing_file_id or None, everyone, [i for i in chosen if i], self._actor(self._me())
                )
        except resources.ResourceError as exc:
            self.sharing_open = False
            self._reload()
            return rx.toast.error(str(exc))
        self.sharing_open = False
        self._reload()
        return rx.toast.success("Sharing saved.")

    @rx.event
    @staff_action(Action.MANAGE_RESOURCES, leave=True)
    async def handle_delete_file(self, file_id: int):
        actor, files_dir, wanted = self._actor(self._me()), self._files_dir(), parse_id(file_id)
        outcome = await rx.run_in_thread(lambda: resource_actions.delete_file(files_dir, wanted, actor))
        self._reload()
        return toast_for(outcome)

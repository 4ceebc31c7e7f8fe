"""The order's photos and documents: upload (checked by content) and choose what the customer sees."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..db import write_session
from ..services import attachments
from ..services.ids import parse_id
from ..services.permissions import Action
from ..settings import get_settings
from .staff_order import StaffOrderState

MAX_FILES_PER_UPLOAD = 20


class StaffOrderFilesState(StaffOrderState):
    upload_visible: bool = True
    upload_error: str = ""

    @rx.event
    def set_upload_visible(self, value: bool):
        self.upload_visible = value is True

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        identity, denied = self._require(Action.CHANGE_STAGE, "Your role can't add files.")
        if denied:
            return denied
        actor, added, errors = self._actor(identity), 0, []
        files_dir = get_settings().uploads_dir
        for upload in files[:MAX_FILES_PER_UPLOAD]:
            data = await upload.read(attachments.MAX_FILE_BYTES + 1)  # the browser's size limit isn't trusted
            try:
                with write_session() as session:
                    order = self._order_for_write(session)
                    if order is None:
                        return rx.toast.error("That order no longer exists.")
                    attachments.add_attachment(
                        session,
                        files_dir,
                        order,
                        upload.filename or "file",
                        data,
                        visible=self.upload_visible,
                        actor=actor,
                    )
                added += 1
            except attachments.AttachmentError as exc:
                errors.append(str(exc))
        if len(files) > MAX_FILES_PER_UPLOAD:
            errors.append(f"Only the first {MAX_FILES_PER_UPLOAD} files were taken; upload the rest separately.")
        self.upload_error = " ".join(errors)
        self._reload()
        if not added:
            return rx.toast.error("Nothing was added.")
        await live.publish(self.current_order_id, "files")
        return rx.toast.success(f"Added {added} file{'s' if added != 1 else ''}.")

    @rx.event
    async def toggle_file_visible(self, attachment_id: int, visible: bool):
        identity, denied = self._require(Action.CHANGE_STAGE, "Your role can't change files.")
        if denied:
            return denied
        try:
            with write_session() as session:
                attachments.set_visibility(
                    session, self.current_order_id, parse_id(attachment_id) or 0, visible is True, self._actor(identity)
                )
        except (attachments.AttachmentError, TypeError, ValueError) as exc:
            return rx.toast.error(str(exc) or "That file no longer exists.")
        self._reload()
        await live.publish(self.current_order_id, "files")
        return None

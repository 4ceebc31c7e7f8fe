"""The order's photos and documents: upload (checked by content) and choose what the customer sees."""

from __future__ import annotations

import reflex as rx

from .. import live
from ..db import write_session
from ..services import attachments
from ..services.ids import parse_id
from ..services.permissions import Action
from ..settings import get_settings
from .guard import form_only, staff_action
from .staff_order import StaffOrderState
from .uploads import MB, upload_limit

MAX_FILES_PER_UPLOAD = 20
MAX_UPLOAD_REQUEST_BYTES = 100 * MB  # a batch of phone photos; each file is capped on its own too


class StaffOrderFilesState(StaffOrderState):
    upload_visible: bool = True
    upload_error: str = ""

    @rx.event
    @form_only
    def set_upload_visible(self, value: bool):
        self.upload_visible = value is True

    @rx.event
    @staff_action(Action.CHANGE_STAGE)
    @upload_limit(MAX_UPLOAD_REQUEST_BYTES)
    async def handle_upload(self, files: list[rx.UploadFile]):
        identity, denied = self._require(Action.CHANGE_STAGE, "Your role can't add files.")
        if denied:
            return denied
        actor, files_dir, visible = self._actor(identity), get_settings().uploads_dir, self.upload_visible
        order_id = self.current_order_id
        # The browser's size limit isn't trusted; decoding and re-encoding run off the event loop.
        received = [
            (upload.filename or "file", await upload.read(attachments.MAX_FILE_BYTES + 1))
            for upload in files[:MAX_FILES_PER_UPLOAD]
        ]
        outcome = await rx.run_in_thread(lambda: attachments.add_many(files_dir, order_id, received, visible, actor))
        if outcome is None:
            return rx.toast.error("That order no longer exists.")
        added, errors = outcome
        if len(files) > MAX_FILES_PER_UPLOAD:
            errors.append(f"Only the first {MAX_FILES_PER_UPLOAD} files were taken; upload the rest separately.")
        self.upload_error = " ".join(errors)
        self._reload()
        if not added:
            return rx.toast.error("Nothing was added.")
        await live.publish(order_id, "files")
        return rx.toast.success(f"Added {added} file{'s' if added != 1 else ''}.")

    @rx.event
    @staff_action(Action.CHANGE_STAGE)
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

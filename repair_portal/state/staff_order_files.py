"""The order's photos and documents: upload (checked by content) and choose what the customer sees."""

from __future__ import annotations

import reflex as rx

from ..actions import order_page
from ..services import attachments
from ..services.ids import parse_id
from ..services.permissions import Action
from ..settings import get_settings
from .guard import form_only, staff_action
from .outcomes import publish, toast_for
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
        identity = self._me()
        actor, files_dir, visible = self._actor(identity), get_settings().uploads_dir, self.upload_visible
        order_id = self.current_order_id
        # The browser's size limit isn't trusted; decoding and re-encoding run off the event loop.
        received = [
            (upload.filename or "file", await upload.read(attachments.MAX_FILE_BYTES + 1))
            for upload in files[:MAX_FILES_PER_UPLOAD]
        ]
        outcome = await rx.run_in_thread(lambda: order_page.add_files(files_dir, order_id, received, visible, actor))
        extra = (
            [f"Only the first {MAX_FILES_PER_UPLOAD} files were taken; upload the rest separately."]
            if len(files) > MAX_FILES_PER_UPLOAD
            else []
        )
        self.upload_error = " ".join([outcome.detail, *extra]).strip()
        self._reload()
        await publish(outcome)
        return toast_for(outcome)

    @rx.event
    @staff_action(Action.CHANGE_STAGE)
    async def toggle_file_visible(self, attachment_id: int, visible: bool):
        identity = self._me()
        actor, order_id, wanted = self._actor(identity), self.current_order_id, visible is True
        outcome = await rx.run_in_thread(
            lambda: order_page.set_file_visibility(order_id, parse_id(attachment_id), wanted, actor)
        )
        self._reload()
        await publish(outcome)
        return toast_for(outcome)

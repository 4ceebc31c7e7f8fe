"""Staff uploads: decoded off the event loop, every file checked, the order's files reach the page."""

from __future__ import annotations

import asyncio
import io
import threading
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from repair_portal.db import write_session
from repair_portal.models import Attachment, Role
from repair_portal.services import attachments, staff_auth
from repair_portal.state.staff_order_files import StaffOrderFilesState

from .. import factories
from .conftest import as_staff


class Upload:
    def __init__(self, name: str, data: bytes):
        self.filename, self._data = name, data

    async def read(self, limit: int = -1) -> bytes:
        return self._data[:limit] if limit >= 0 else self._data


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(out, format="JPEG")
    return out.getvalue()


def test_photos_are_decoded_in_a_worker_thread_not_on_the_event_loop(state_factory, engine, app_env, monkeypatch):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK)
        order_id = factories.order(s, location).order.id
    token = staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token
    state = as_staff(state_factory(StaffOrderFilesState, path=f"/staff/orders/{order_id}"), token)
    state.load_order()
    assert state.current_order_id == order_id
    seen: list[threading.Thread] = []
    real = attachments.prepare

    def recording(*args, **kwargs):
        seen.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(attachments, "prepare", recording)

    async def upload():
        loop_thread = threading.current_thread()
        await state.handle_upload([Upload("a.jpg", _jpeg()), Upload("fake.pdf", b"%PDF-1.4 nope")])
        return loop_thread

    with ThreadPoolExecutor(1) as pool:
        loop_thread = pool.submit(asyncio.run, upload()).result()
    assert len(seen) == 2 and all(t is not loop_thread for t in seen)
    assert "not a readable PDF" in state.upload_error
    with write_session(engine) as s:
        stored = s.exec(Attachment.__table__.select()).all()
    assert len(stored) == 1

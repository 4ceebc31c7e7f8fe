"""/portal/orders/new: "Request a job". Needs "Orders: request new work" (`Perm.ORDERS_REQUEST`).

The choices are the signed-in account's own (`self._account().customer_id`): its active sites, the shop's
job types and, when the group may see assets, its assets. The form's fields live in `values` (the tab's own
draft); the submit is one upload request carrying the photos, and the service re-scopes every id.

Double submit: the loader gives the form a one-time server-side ticket (`_ticket`, never sent to the
browser); a successful request spends it. Reflex runs one tab's events one after another (the state lock),
so a second click, a replayed upload or a stale tab finds the ticket spent and is sent to the order the
first one created: one order. (The browser also refuses a second upload while one is running.)"""

from __future__ import annotations

import dataclasses
import secrets

import reflex as rx

from .. import routes
from ..actions import job_requests as actions
from ..db import session_scope
from ..services import attachments, audit, job_requests
from ..services.ids import parse_id
from ..services.job_requests import NewDevice
from ..services.portal_permissions import Perm
from ..settings import get_settings
from .guard import form_only, portal_action
from .outcomes import publish
from .portal_session import PortalSessionState
from .uploads import MB, upload_limit

UPLOAD_ID = "request-photos"
NEW_DEVICE = "new"  # the asset select's "A new device" (a select item can't carry "")
FIELDS = (
    "site",
    "job_type",
    "asset",
    "new_kind",
    "new_make",
    "new_model",
    "new_serial",
    "description",
    "preferred_date",
    "po_number",
)
MAX_TYPED = 4100  # a draft field is clipped here; the service gives the precise limit per field
MAX_REQUEST_BYTES = 100 * MB  # as a staff upload (state/staff_order_files.py); each file is capped on its own too
ERROR_FIELDS = (*FIELDS, "device", "photos")


@dataclasses.dataclass
class Option:
    value: str
    label: str


def _blank() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


class PortalRequestState(PortalSessionState):
    request_loaded: bool = False
    taking_requests: bool = True
    site_options: list[Option] = []
    job_type_options: list[str] = []
    asset_options: list[Option] = []
    first_day: str = ""
    last_day: str = ""
    values: dict[str, str] = _blank()
    errors: dict[str, str] = {}
    form_error: str = ""
    _ticket: str = ""  # the form's one-time ticket (see the module's docstring)
    _created_order_id: int = 0

    @rx.var
    def asks_new_device(self) -> bool:
        """The new device's fields show: it was chosen, or there is no asset to choose."""
        return self.values.get("asset", "") == NEW_DEVICE or not self.asset_options

    @rx.event
    @portal_action(Perm.ORDERS_REQUEST, leave=True, read_only=True)
    def load_request(self):
        """A fresh form (a staff preview may open it; only submitting changes anything)."""
        identity = self._account()
        with session_scope() as session:
            found = job_requests.options(session, identity.customer_id, with_assets=identity.may(Perm.ASSETS_VIEW))
        self.taking_requests = found.taking_requests
        self.site_options = [Option(c.value, c.label) for c in found.sites]
        self.job_type_options = list(found.job_types)
        self.asset_options = [Option(c.value, c.label) for c in found.assets]
        self.first_day, self.last_day = found.first_day, found.last_day
        self.values = _blank()
        if len(self.site_options) == 1:
            self.values["site"] = self.site_options[0].value
        if len(self.job_type_options) == 1:
            self.values["job_type"] = self.job_type_options[0]
        self.errors, self.form_error = {}, ""
        self._ticket, self._created_order_id = secrets.token_urlsafe(16), 0
        self.request_loaded = True

    @rx.event
    @form_only
    def set_request_field(self, name: str, value: str):
        if isinstance(name, str) and name in FIELDS:
            self.values = {**self.values, name: str(value if value is not None else "")[:MAX_TYPED]}
            if name in self.errors or (name.startswith("new_") and "device" in self.errors):
                self.errors = {k: v for k, v in self.errors.items() if k not in (name, "device")}

    def _form(self, with_assets: bool) -> actions.RequestForm:
        v = {name: str(self.values.get(name, "")) for name in FIELDS}

        def chosen(text: str) -> int | None:
            return None if not text else (parse_id(text) or 0)  # 0: a forged or stale id, refused as unknown

        asset = v["asset"] if with_assets else NEW_DEVICE
        new = asset == NEW_DEVICE or (with_assets and not self.asset_options and not asset)
        return actions.RequestForm(
            site_id=chosen(v["site"]),
            job_type=v["job_type"],
            device_id=None if new else chosen(asset),
            new_device=NewDevice(v["new_kind"], v["new_make"], v["new_model"], v["new_serial"]) if new else None,
            description=v["description"],
            preferred_date=v["preferred_date"],
            po_number=v["po_number"],
        )

    @rx.event
    @portal_action(Perm.ORDERS_REQUEST)
    @upload_limit(MAX_REQUEST_BYTES, portal=True)
    async def handle_submit(self, files: list[rx.UploadFile]):
        identity = self._account()
        if self._created_order_id:  # the request already went through: a second click makes no second order
            return [
                rx.toast.info("Your request was already sent."),
                rx.redirect(routes.portal_order(self._created_order_id)),
            ]
        if not self._ticket:
            self.form_error = "This form has expired. Reload the page and try again."
            return None
        files = list(files or [])
        if len(files) > actions.MAX_PHOTOS:
            self.errors = {"photos": f"Attach at most {actions.MAX_PHOTOS} photos or PDFs."}
            return None
        form = self._form(identity.may(Perm.ASSETS_VIEW))
        ip, user_agent = self._client()
        actor = audit.Actor("portal", identity.user_id, identity.email, ip, user_agent)
        # The browser's size limit isn't trusted: one byte over the cap is enough to refuse a file.
        received = [(f.filename or "file", await f.read(attachments.MAX_FILE_BYTES + 1)) for f in files]
        files_dir = get_settings().uploads_dir
        outcome = await rx.run_in_thread(
            lambda: actions.request_job(
                files_dir,
                user_id=identity.user_id,
                customer_id=identity.customer_id,
                form=form,
                received=received,
                actor=actor,
            )
        )
        if not outcome.ok:
            self.errors = {k: v for k, v in outcome.errors.items() if k in ERROR_FIELDS}
            self.form_error = "" if outcome.errors else outcome.message
            return None
        self._ticket, self._created_order_id = "", outcome.order_id or 0
        self.values, self.errors, self.form_error = _blank(), {}, ""
        await publish(outcome)
        return [
            rx.clear_selected_files(UPLOAD_ID),
            rx.toast.success(outcome.message),
            rx.redirect(routes.portal_order(outcome.order_id)),
        ]

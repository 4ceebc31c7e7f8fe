"""/staff/assets/[asset_id]: one asset's details, tests (with certificates), defects (with photos) and
orders; staff record tests and defects and mark defects fixed. The asset is the one in the URL, read
again for every event."""

from __future__ import annotations

import dataclasses

import reflex as rx

from .. import routes
from ..actions import assets as actions
from ..db import session_scope
from ..models import ShopSettings
from ..services import asset_fields, asset_records, timefmt
from ..services.asset_records import DefectForm, TestForm
from ..services.assets import asset_detail, parse_date, show_date
from ..services.ids import parse_id
from ..services.permissions import Action, can
from ..settings import get_settings
from .guard import form_only, staff_action
from .outcomes import toast_for
from .staff_session import StaffSessionState
from .uploads import MB, upload_limit

CERTIFICATE_UPLOAD = "asset-certificate"
PHOTO_UPLOAD = "defect-photos"
MAX_PHOTOS_PER_UPLOAD = asset_records.MAX_PHOTOS_PER_DEFECT
TEST_FIELDS = ("tested_on", "result", "number", "notes")
DEFECT_FIELDS = ("severity", "description", "found_on")


@dataclasses.dataclass
class Fact:
    label: str
    value: str


@dataclasses.dataclass
class TestView:
    id: int
    tested_on: str
    result: str
    result_label: str
    number: str
    notes: str
    certificate_url: str  # '' without a certificate


@dataclasses.dataclass
class PhotoView:
    id: int
    url: str


@dataclasses.dataclass
class DefectView:
    id: int
    severity: str
    severity_label: str
    description: str
    found_on: str
    open: bool
    fixed_on: str
    photos: list[PhotoView]


@dataclasses.dataclass
class OrderView:
    id: int
    reference: str
    booked_in: str
    stage: str
    stage_color: str


class StaffAssetState(StaffSessionState):
    asset_found: bool = True
    asset_title: str = ""
    asset_customer_id: int = 0
    asset_customer: str = ""
    facts: list[Fact] = []
    tests: list[TestView] = []
    defects: list[DefectView] = []
    asset_orders: list[OrderView] = []
    can_record: bool = False
    # The test dialog.
    test_open: bool = False
    test_values: dict[str, str] = {}
    test_errors: dict[str, str] = {}
    test_error: str = ""
    # The defect dialog.
    defect_open: bool = False
    defect_values: dict[str, str] = {}
    defect_errors: dict[str, str] = {}
    defect_error: str = ""
    # Marking a defect fixed.
    fix_open: bool = False
    fix_id: int = 0
    fix_date: str = ""
    fix_error: str = ""

    def _asset_id(self) -> int:
        parts = [p for p in (self.router.url.path or "").split("/") if p]
        if len(parts) >= 3 and parts[0] == "staff" and parts[1] == "assets":
            return parse_id(parts[2]) or 0
        return 0

    def _today(self) -> str:
        with session_scope() as session:
            return asset_records.today(session).isoformat()

    def _reload(self) -> None:
        asset_id = self._asset_id()
        with session_scope() as session:
            detail = asset_detail(session, asset_id)
            tz = timefmt.shop_timezone(session)
            label = asset_fields.label(ShopSettings.current(session))
        self.asset_found = detail is not None
        if detail is None:
            self.facts, self.tests, self.defects, self.asset_orders = [], [], [], []
            self.asset_title, self.asset_customer, self.asset_customer_id = "", "", 0
            return
        form = detail.form
        self.asset_title = form.asset_tag or " ".join(p for p in (form.make, form.model) if p) or form.kind
        self.asset_customer_id, self.asset_customer = detail.customer_id, detail.customer_name
        values = [
            (label, form.asset_tag),
            ("Type", form.kind),
            ("Make", form.make),
            ("Model", form.model),
            ("Serial number", form.serial),
            ("Customer reference", form.customer_ref),
            ("Site", detail.site + ("" if detail.site_active or not detail.site else " (inactive)")),
            ("Warranty until", show_date(parse_date(form.warranty_until))),
            ("Description", form.description),
        ]
        self.facts = [Fact(k, v) for k, v in values if v]
        self.tests = [
            TestView(
                t.id,
                show_date(t.tested_on),
                t.result,
                asset_records.RESULT_LABELS.get(t.result, t.result),
                t.number,
                t.notes,
                routes.asset_certificate(asset_id, t.id, portal=False) if t.certificate_name else "",
            )
            for t in detail.tests
        ]
        self.defects = [
            DefectView(
                d.id,
                d.severity,
                asset_records.SEVERITY_LABELS.get(d.severity, d.severity),
                d.description,
                show_date(d.found_on),
                d.status == "open",
                show_date(d.fixed_on),
                [PhotoView(p, routes.defect_photo(asset_id, p, portal=False)) for p in photos],
            )
            for d, photos in detail.defects
        ]
        self.asset_orders = [
            OrderView(o.id, o.reference, timefmt.date(o.booked_in_at, tz), s.name, s.color) for o, s in detail.orders
        ]

    @rx.event
    @staff_action(Action.VIEW_ORDERS, leave=True)
    def load_asset(self):
        self.can_record = can(self._me().role, Action.RECORD_ASSET_TESTS)
        self.test_open = self.defect_open = self.fix_open = False
        self._reload()

    # --- tests --------------------------------------------------------------------------------------------

    @rx.event
    @staff_action(Action.RECORD_ASSET_TESTS)
    def open_test(self):
        self.test_values = {"tested_on": self._today(), "result": "pass", "number": "", "notes": ""}
        self.test_errors, self.test_error = {}, ""
        self.test_open = True

    @rx.event
    @form_only
    def set_test_open(self, value: bool):
        self.test_open = value is True

    @rx.event
    @form_only
    def set_test_field(self, name: str, value: str):
        if name in TEST_FIELDS:
            self.test_values = {**self.test_values, name: str(value)[:4000]}  # over the limit: refused on save

    @rx.event
    @staff_action(Action.RECORD_ASSET_TESTS)
    @upload_limit(asset_records.MAX_CERTIFICATE_BYTES + MB)
    async def handle_record_test(self, files: list[rx.UploadFile]):
        actor, asset_id, files_dir = self._actor(self._me()), self._asset_id(), get_settings().uploads_dir
        form = TestForm(**{name: str(self.test_values.get(name, "")) for name in TEST_FIELDS})
        upload = None
        if files:  # one certificate; the browser's size limit isn't trusted
            first = files[0]
            upload = (first.filename or "certificate.pdf", await first.read(asset_records.MAX_CERTIFICATE_BYTES + 1))
        outcome = await rx.run_in_thread(lambda: actions.record_test(files_dir, asset_id, form, upload, actor))
        self.test_errors = dict(outcome.errors)
        self.test_error = "" if outcome.ok or outcome.errors else outcome.message
        if not outcome.ok:
            return None
        self.test_open = False
        self._reload()
        return [rx.clear_selected_files(CERTIFICATE_UPLOAD), toast_for(outcome)]

    # --- defects ------------------------------------------------------------------------------------------

    @rx.event
    @staff_action(Action.RECORD_ASSET_TESTS)
    def open_defect(self):
        self.defect_values = {"severity": "medium", "description": "", "found_on": self._today()}
        self.defect_errors, self.defect_error = {}, ""
        self.defect_open = True

    @rx.event
    @form_only
    def set_defect_open(self, value: bool):
        self.defect_open = value is True

    @rx.event
    @form_only
    def set_defect_field(self, name: str, value: str):
        if name in DEFECT_FIELDS:
            self.defect_values = {**self.defect_values, name: str(value)[:4000]}

    @rx.event
    @staff_action(Action.RECORD_ASSET_TESTS)
    @upload_limit(MAX_PHOTOS_PER_UPLOAD * 15 * MB)
    async def handle_record_defect(self, files: list[rx.UploadFile]):
        actor, asset_id, files_dir = self._actor(self._me()), self._asset_id(), get_settings().uploads_dir
        form = DefectForm(**{name: str(self.defect_values.get(name, "")) for name in DEFECT_FIELDS})
        received = [
            (upload.filename or "photo", await upload.read(15 * MB + 1)) for upload in files[:MAX_PHOTOS_PER_UPLOAD]
        ]
        outcome = await rx.run_in_thread(lambda: actions.record_defect(files_dir, asset_id, form, received, actor))
        self.defect_errors = dict(outcome.errors)
        self.defect_error = "" if outcome.ok or outcome.errors else outcome.message
        if not outcome.ok:
            return None
        self.defect_open = False
        self._reload()
        note = rx.toast.warning(outcome.detail) if outcome.detail else None
        return [e for e in (rx.clear_selected_files(PHOTO_UPLOAD), toast_for(outcome), note) if e is not None]

    @rx.event
    @staff_action(Action.RECORD_ASSET_TESTS)
    def open_fix(self, defect_id: int):
        row = next((d for d in self.defects if d.id == parse_id(defect_id) and d.open), None)
        if row is None:
            return rx.toast.error("That defect isn't open any more. Reload the page.")
        self.fix_id, self.fix_date, self.fix_error, self.fix_open = row.id, self._today(), "", True
        return None

    @rx.event
    @form_only
    def set_fix_open(self, value: bool):
        self.fix_open = value is True

    @rx.event
    @form_only
    def set_fix_date(self, value: str):
        self.fix_date = str(value)[:20]

    @rx.event
    @staff_action(Action.RECORD_ASSET_TESTS)
    async def handle_mark_fixed(self):
        actor, asset_id, defect_id, day = self._actor(self._me()), self._asset_id(), self.fix_id, self.fix_date
        outcome = await rx.run_in_thread(lambda: actions.mark_defect_fixed(asset_id, defect_id, day, actor))
        self._reload()
        if not outcome.ok:
            self.fix_error = outcome.message
            return None
        self.fix_open = False
        return toast_for(outcome)

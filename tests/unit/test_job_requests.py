"""Request a job: the service's checks (every id re-scoped to the account), the order it makes at the
Requested stage, the action around it (photos, the shop's email, the alert), and what the rest of the
workflow does with the Requested stage (walk-ins never start there; the editor keeps it sensible)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from sqlmodel import func, select

from repair_portal.actions import job_requests as request_actions
from repair_portal.db import write_session
from repair_portal.models import (
    Attachment,
    AuditEvent,
    CustomerAlert,
    Device,
    Location,
    Order,
    OutboxMessage,
    ShopSettings,
    Stage,
    StageKind,
    StatusEvent,
)
from repair_portal.services import (
    assets,
    audit,
    job_requests,
    orders,
    portal_view,
    shop_settings,
    sites,
    workflow,
    workflow_admin,
)
from repair_portal.services.assets import AssetForm
from repair_portal.services.job_requests import NewDevice, RequestError
from repair_portal.services.workflow_admin import WorkflowError

from .. import factories, portal_factories
from ..conftest import TEST_SECRET_KEY

STAFF = audit.Actor("system", None, "test")


@pytest.fixture
def world(write, clock):
    """Clock: Monday 2 November 2026, 09:30 UTC (London is on GMT)."""
    with write() as s:
        _, location = factories.shop(s)
        location.email = "desk@shop.example"
        mine = portal_factories.business(s, "Quay Works Ltd")
        theirs = portal_factories.business(s, "Harbour Ltd")
        bare = portal_factories.business(s, "No Sites Ltd")
        office = sites.save_site(s, mine.id, None, "Head office", "5 Wharf Road", STAFF)
        depot = sites.save_site(s, mine.id, None, "Depot", "Unit 3", STAFF)
        closed = sites.save_site(s, mine.id, None, "Old shop", "High Street", STAFF)
        sites.set_active(s, mine.id, closed.id, False, STAFF)
        their_site = sites.save_site(s, theirs.id, None, "Harbour office", "1 Quay", STAFF)
        laptop = assets.save_asset(
            s, mine.id, None, AssetForm(asset_tag="QW-1", kind="Laptop", serial="QW1", site_id=str(office.id)), STAFF
        )
        their_asset = assets.save_asset(s, theirs.id, None, AssetForm(asset_tag="HB-1", kind="Scanner"), STAFF)
        pat = portal_factories.portal_user(s, email="pat@quay.test", customer=mine)
        hal = portal_factories.portal_user(s, email="hal@harbour.test", customer=theirs)
        bea = portal_factories.portal_user(s, email="bea@nosites.test", customer=bare)
    return {
        "mine": mine.id,
        "theirs": theirs.id,
        "bare": bare.id,
        "office": office.id,
        "depot": depot.id,
        "closed": closed.id,
        "their_site": their_site.id,
        "laptop": laptop.id,
        "their_asset": their_asset.id,
        "pat": pat.id,
        "hal": hal.id,
        "bea": bea.id,
        "location": location.id,
    }


def _ask(s, w, **changes):
    fields = dict(
        identity_user_id=w["pat"],
        customer_id=w["mine"],
        site_id=w["office"],
        job_type="Service",
        device_id=w["laptop"],
        description="  Fan is loud and the battery drains overnight.  ",
        preferred_date="2026-11-05",
        po_number=" PO  7781 ",
        actor=audit.Actor("portal", w["pat"], "pat@quay.test"),
    )
    fields.update(changes)
    return job_requests.request_job(s, TEST_SECRET_KEY, **fields)


def _count(s, model, *where) -> int:
    query = select(func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    return s.exec(query).one()


def test_a_request_makes_one_order_at_the_requested_stage(write, read, world):
    with write() as s:
        order = _ask(s, world, job_type="  service ")
        order_id = order.id
    with read() as s:
        order = s.get(Order, order_id)
        stage = s.get(Stage, order.stage_id)
        assert stage.kind == StageKind.REQUESTED.value and stage.name == "Requested"
        assert order.requested_by_id == world["pat"] and order.customer_id == world["mine"]
        assert order.site_id == world["office"] and order.device_id == world["laptop"]
        assert order.job_type == "Service"  # the shop's spelling
        assert order.problem == "Fan is loud and the battery drains overnight."
        assert order.po_number == "PO 7781"
        assert order.location_id == world["location"]
        # 5 November at 09:00 in London (GMT) is 09:00 UTC
        assert order.scheduled_at == datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
        requested = s.exec(select(AuditEvent).where(AuditEvent.action == "order.requested")).all()
        assert len(requested) == 1 and requested[0].order_id == order_id and requested[0].actor_type == "portal"
        events = s.exec(select(StatusEvent).where(StatusEvent.order_id == order_id)).all()
        assert [e.to_stage_id for e in events] == [stage.id]


def test_the_preferred_day_is_nine_in_the_morning_shop_time(write, read, world, clock):
    clock.current = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London (BST)
    with write() as s:
        order = _ask(s, world, preferred_date="2026-07-01")
        assert order.scheduled_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
        s.get(ShopSettings, 1).timezone = "America/New_York"  # still 30 June there: the 1st is tomorrow
        assert _ask(s, world, preferred_date=date(2026, 6, 30)).scheduled_at == datetime(2026, 6, 30, 13, 0, tzinfo=UTC)
        assert _ask(s, world, preferred_date="").scheduled_at is None  # no preference


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"site_id": "their"}, "site", "one of your sites"),
        ({"site_id": "closed"}, "site", "one of your sites"),
        ({"site_id": 0}, "site", "one of your sites"),
        ({"site_id": None}, "site", "Choose the site"),
        ({"job_type": ""}, "job_type", "type of job"),
        ({"job_type": "Demolition"}, "job_type", "listed job types"),
        ({"device_id": "their"}, "device", "one of your assets"),
        ({"device_id": 0}, "device", "one of your assets"),
        ({"device_id": None}, "device", "describe the new device"),
        ({"new_device": NewDevice("Printer")}, "device", "not both"),
        ({"device_id": None, "new_device": NewDevice(" ", "HP")}, "new_kind", "what kind of device"),
        ({"device_id": None, "new_device": NewDevice("Printer", "H" * 101)}, "new_make", "under 100"),
        ({"description": "   "}, "description", "Describe what you need"),
        ({"description": "x" * 4001}, "description", "under 4,000"),
        ({"preferred_date": "2026-11-01"}, "preferred_date", "today or a later date"),
        ({"preferred_date": "2027-11-03"}, "preferred_date", "within the next year"),
        ({"preferred_date": "5/11/2026"}, "preferred_date", "as a date"),
        ({"preferred_date": "2026-02-30"}, "preferred_date", "as a date"),
        ({"po_number": "P" * 61}, "po_number", "under 60"),
    ],
)
def test_every_bad_input_is_refused_with_its_field_and_nothing_is_made(write, read, world, changes, field, words):
    ids = {"their": world["their_site"] if "site_id" in changes else world["their_asset"], "closed": world["closed"]}
    changes = {k: ids.get(v, v) if isinstance(v, str) and k.endswith("_id") else v for k, v in changes.items()}
    with pytest.raises(RequestError) as refused, write() as s:
        _ask(s, world, **changes)
    assert refused.value.field == field and words in str(refused.value), refused.value.errors
    with read() as s:
        assert (
            _count(s, Order) == 0
            and _count(s, Device) == 2
            and _count(s, AuditEvent, AuditEvent.action == "order.requested") == 0
        )


def test_every_problem_of_a_form_is_named_at_once(write, world):
    with pytest.raises(RequestError) as refused, write() as s:
        _ask(s, world, site_id=None, job_type="", description="", po_number="P" * 61)
    assert set(refused.value.errors) == {"site", "job_type", "description", "po_number"}


def test_today_is_fine_and_today_is_the_shops_day(write, world, clock):
    clock.current = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # still the 2nd in London
    with write() as s:
        assert _ask(s, world, preferred_date="2026-11-02").scheduled_at.date() == date(2026, 11, 2)
        s.get(ShopSettings, 1).timezone = "Asia/Tokyo"  # already the 3rd there
        with pytest.raises(RequestError, match="today or a later"):
            _ask(s, world, preferred_date="2026-11-02")


def test_an_account_without_active_sites_asks_for_none(write, read, world):
    with write() as s:
        order = _ask(
            s,
            world,
            identity_user_id=world["bea"],
            customer_id=world["bare"],
            site_id=None,
            device_id=None,
            new_device=NewDevice("Printer", "HP", "LaserJet", "CN123"),
        )
        assert order.site_id is None
        with pytest.raises(RequestError, match="one of your sites"):
            _ask(
                s,
                world,
                identity_user_id=world["bea"],
                customer_id=world["bare"],
                site_id=world["office"],
                device_id=None,
                new_device=NewDevice("Printer"),
            )


def test_a_new_device_becomes_an_asset_of_the_account_at_the_site(write, read, world):
    with write() as s:
        order = _ask(
            s,
            world,
            site_id=world["depot"],
            device_id=None,
            new_device=NewDevice("  Label   printer ", "Zebra", "ZD421", "ZB-77"),
        )
        device = s.get(Device, order.device_id)
        assert (device.customer_id, device.site_id) == (world["mine"], world["depot"])
        assert (device.kind, device.make, device.model, device.serial) == ("Label printer", "Zebra", "ZD421", "ZB-77")


def test_only_the_accounts_own_user_and_an_open_shop_can_request(write, world):
    with write() as s, pytest.raises(RequestError, match="doesn't match this account"):
        _ask(s, world, identity_user_id=world["hal"])  # Harbour's user asking in Quay's name
    with write() as s:
        workflow_admin.set_kind(s, StageKind.REQUESTED.value, None, STAFF)  # the shop takes no requests
    with write() as s, pytest.raises(RequestError) as refused:
        _ask(s, world)
    assert str(refused.value) == job_requests.CLOSED and refused.value.field == ""
    with write() as s:
        assert not job_requests.options(s, world["mine"], with_assets=True).taking_requests


def test_the_shops_job_types_can_be_empty_and_then_none_is_asked(write, world):
    with write() as s:
        s.get(ShopSettings, 1).job_types = ""
        assert _ask(s, world, job_type="").job_type == ""
        with pytest.raises(RequestError, match="listed job types"):
            _ask(s, world, job_type="Repair")


def test_the_form_offers_only_the_accounts_own_active_sites_and_assets(write, world):
    with write() as s:
        found = job_requests.options(s, world["mine"], with_assets=True)
        hidden = job_requests.options(s, world["mine"], with_assets=False)
    assert [c.label for c in found.sites] == ["Depot", "Head office"]
    assert [c.value for c in found.assets] == [str(world["laptop"])] and found.assets[0].label.startswith("QW-1")
    assert "Head office" in found.assets[0].label
    assert found.job_types == ["Repair", "Service", "Installation"] and found.taking_requests
    assert (found.first_day, found.last_day) == ("2026-11-02", "2027-11-02")
    assert hidden.assets == []  # a group that may not see assets gets none of them


# --- the workflow around the Requested stage ------------------------------------------------------------


def test_walk_ins_never_start_at_the_requested_stage(write, read, world):
    with write() as s:
        assert workflow.active_stages(s)[0].kind == StageKind.REQUESTED.value
        assert workflow.first_stage(s).name == "Booked in"
        walk_in = factories.order(s, s.get(Location, world["location"]))
        assert s.get(Stage, walk_in.order.stage_id).name == "Booked in"


def test_the_editor_keeps_the_requested_stage_sensible(write, world):
    with write() as s:
        requested = workflow.requested_stage(s)
        with pytest.raises(WorkflowError, match="Customer requests"):
            workflow_admin.deactivate_stage(s, requested.id, STAFF)
        with pytest.raises(WorkflowError, match="stays the first stage"):  # requests start at the front
            workflow_admin.move_stage(s, requested.id, 1, STAFF)
        booked = workflow.first_stage(s)
        with pytest.raises(WorkflowError, match="already the first"):
            workflow_admin.move_stage(s, booked.id, -1, STAFF)
        _ask(s, world)
    with write() as s:  # its meaning can go (no requests any more), but not the stage while orders sit there
        workflow_admin.set_kind(s, StageKind.REQUESTED.value, None, STAFF)
    with write() as s, pytest.raises(WorkflowError, match="1 order is at"):
        workflow_admin.deactivate_stage(s, requested.id, STAFF)
    with write() as s:  # given to another stage, the meaning takes that stage to the front
        diagnosing = s.exec(select(Stage).where(Stage.name == "Diagnosing")).one()
        workflow_admin.set_kind(s, StageKind.REQUESTED.value, diagnosing.id, STAFF)
        assert workflow.active_stages(s)[0].name == "Diagnosing" and workflow.first_stage(s).name == "Requested"
    with write() as s:  # a stage for requests must stay visible to customers, and it's never the intake stage
        workflow_admin.set_kind(s, StageKind.REQUESTED.value, requested.id, STAFF)
        with pytest.raises(WorkflowError, match="customers must see it"):
            workflow_admin.update_stage(
                s, requested.id, workflow_admin.StageForm(name="Requested", internal=True), STAFF
            )
        assert workflow.first_stage(s).kind != StageKind.REQUESTED.value and workflow.active_stages(s)[0] == requested


def test_the_timeline_shows_requested_only_to_orders_that_were_requested(write, read, world):
    with write() as s:
        requested = _ask(s, world)
        walk_in = factories.order(s, s.get(Location, world["location"]))
        ids = requested.id, walk_in.order.id
    with read() as s:
        asked = [step.label for step in portal_view.portal_view(s, ids[0]).steps]
        walked = [step.label for step in portal_view.portal_view(s, ids[1]).steps]
    assert asked[0] == "Requested" and "Requested" not in walked and walked[0] == "Booked in"


def test_the_board_flags_customer_requests(write, read, world):
    with write() as s:
        _ask(s, world)
    with read() as s:
        rows, _ = orders.list_orders(s)
        counts = dict((name, n) for name, _, n in orders.count_by_stage(s))
    assert [r.customer_request for r in rows] == [True] and rows[0].stage == "Requested"
    assert counts["Requested"] == 1


def test_job_types_are_saved_one_per_line(write, read, world):
    assert shop_settings.job_type_list(" Repair \n\nrepair\n  On-site   visit ") == ["Repair", "On-site visit"]
    assert "under 60" in shop_settings.job_types_problem("x" * 61)
    assert "at most 30" in shop_settings.job_types_problem("\n".join(f"Type {i}" for i in range(31)))
    assert shop_settings.validate(shop_settings.ShopForm(name="Fix", job_types="x" * 61))["job_types"]


# --- the action: photos, the shop's email, the alert ------------------------------------------------------


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (320, 200), "orange")
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _form(world, **changes) -> request_actions.RequestForm:
    values = dict(
        site_id=world["office"],
        job_type="Repair",
        device_id=world["laptop"],
        new_device=None,
        description="Screen flickers",
        preferred_date="",
        po_number="",
    )
    values.update(changes)
    return request_actions.RequestForm(**values)


def test_the_action_attaches_photos_emails_the_shop_and_raises_an_alert(app_env, engine, world):
    files = app_env.uploads_dir
    actor = audit.Actor("portal", world["pat"], "pat@quay.test", "203.0.113.5", "phone")
    outcome = request_actions.request_job(
        files,
        user_id=world["pat"],
        customer_id=world["mine"],
        form=_form(world),
        received=[("IMG_0001.jpg", _jpeg_with_gps()), ("quote.pdf", factories.tiny_pdf("Quote"))],
        actor=actor,
    )
    assert outcome.ok and outcome.changed == "board" and outcome.alert and outcome.order_id
    with write_session(engine) as s:
        order = s.get(Order, outcome.order_id)
        assert outcome.message.startswith(f"Request {order.reference} sent")
        items = s.exec(select(Attachment).where(Attachment.order_id == order.id)).all()
        assert sorted(a.kind for a in items) == ["document", "photo"] and all(a.visible_to_customer for a in items)
        photo = next(a for a in items if a.kind == "photo")
        assert not Image.open(files / photo.storage_name).getexif()  # location and camera data gone
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.order_id == order.id)).all()
        assert [(m.template, m.to_email, m.audience) for m in mail] == [("job_requested", "desk@shop.example", "shop")]
        assert "Quay Works Ltd" in mail[0].subject and "Head office, 5 Wharf Road" in mail[0].text_body
        assert "Job type: Repair" in mail[0].text_body and "Screen flickers" in mail[0].text_body
        assert f"/staff/orders/{order.id}" in mail[0].text_body
        alerts = s.exec(select(CustomerAlert).where(CustomerAlert.order_id == order.id)).all()
        assert [a.kind for a in alerts] == ["request"]


def test_the_action_refuses_a_bad_form_or_file_and_leaves_nothing_behind(app_env, engine, world):
    files = app_env.uploads_dir
    actor = audit.Actor("portal", world["pat"], "pat@quay.test")
    bad_form = request_actions.request_job(
        files,
        user_id=world["pat"],
        customer_id=world["mine"],
        form=_form(world, description=""),
        received=[("a.jpg", _jpeg_with_gps())],
        actor=actor,
    )
    assert not bad_form.ok and bad_form.level == "form" and "description" in bad_form.errors
    bad_file = request_actions.request_job(
        files,
        user_id=world["pat"],
        customer_id=world["mine"],
        form=_form(world),
        received=[("a.jpg", _jpeg_with_gps()), ("evil.jpg", b"<html>not a photo</html>")],
        actor=actor,
    )
    assert not bad_file.ok and "evil.jpg" in bad_file.errors["photos"]
    too_big = request_actions.request_job(
        files,
        user_id=world["pat"],
        customer_id=world["mine"],
        form=_form(world),
        received=[("huge.jpg", b"\xff" * (15 * 1024 * 1024 + 1))],
        actor=actor,
    )
    assert not too_big.ok and "larger than 15 MB" in too_big.errors["photos"]
    with write_session(engine) as s:
        assert _count(s, Order) == 0 and _count(s, Attachment) == 0 and _count(s, OutboxMessage) == 0
    assert not [p for p in files.glob("*") if p.is_file()] if files.exists() else True

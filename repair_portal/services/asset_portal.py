"""What a portal user sees of their account's assets: the list (search, site / type / status filters),
one asset's page (facts, last test, tests, defects, orders) and the account's defects.

Every query filters by the signed-in account's customer id first; another account's asset, test or photo
id is unknown (None). Only the fields the shop chose (services/asset_fields.py) are read into the views,
so a hidden field never reaches the browser; hidden fields are not searchable either."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, func, select

from ..models import AssetTest, DefectPhoto, DefectStatus, Device, Order, ShopSettings, Site
from . import asset_fields, asset_records, assets, timefmt, tracking
from .assets import show_date
from .text_input import clean_text, text_problem

MAX_LIST = 200
MAX_SEARCH = 100
SEARCHABLE = ("asset_tag", "serial", "model", "customer_ref")
# Asset status (the list's filter): by the latest test, and whether a defect is open.
STATUSES = {"passed": "Passed last test", "failed": "Failed last test", "untested": "Not tested yet"}
OPEN_DEFECTS = "open_defects"


def search_problem(text: str) -> str | None:
    """What is wrong with a typed search (None: it can run). Longer than MAX_SEARCH is refused with a message,
    never cut to what fits: the page says so and keeps what was typed."""
    return text_problem(text, "The search", MAX_SEARCH, one_line=True)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class View:
    """The shop's asset settings as they apply to one page: its label, and which fields show."""

    label: str
    fields: frozenset[str]

    def shows(self, key: str) -> bool:
        return key in self.fields


def view_of(session: Session) -> View:
    shop = ShopSettings.current(session)
    return View(asset_fields.label(shop), asset_fields.parse(shop.asset_customer_fields))


def status_choices(view: View) -> list[Choice]:
    found = [Choice(k, v) for k, v in STATUSES.items()] if view.shows("tests") else []
    if view.shows("defects"):
        found.append(Choice(OPEN_DEFECTS, "Open defects"))
    return found


def _title(device: Device, view: View) -> str:
    """What names the asset on the portal, from the visible fields only."""
    if view.shows("asset_tag") and device.asset_tag:
        return device.asset_tag
    make_model = " ".join(p for p, key in ((device.make, "make"), (device.model, "model")) if p and view.shows(key))
    if make_model:
        return make_model
    return device.kind if view.shows("kind") and device.kind else f"Asset {device.id}"


def _last_test_text(last: assets.LastTest | None) -> str:
    if last is None:
        return "Not tested yet"
    parts = [asset_records.RESULT_LABELS.get(last.result, last.result), show_date(last.tested_on)]
    if last.number:
        parts.append(f"No. {last.number}")
    return " · ".join(parts)


@dataclass(frozen=True)
class AssetCard:
    id: int
    title: str
    kind: str = ""
    make_model: str = ""
    serial: str = ""
    customer_ref: str = ""
    site: str = ""
    warranty_until: str = ""
    last_test: str = ""  # '' when the shop doesn't show tests
    last_result: str = ""  # pass, fail, '' (untested or hidden)
    open_defects: int = 0


def _card(device: Device, site: Site | None, view: View, last, defects: int) -> AssetCard:
    def shown(key: str, value: str) -> str:
        return value if view.shows(key) else ""

    make_model = " ".join(p for p, key in ((device.make, "make"), (device.model, "model")) if p and view.shows(key))
    return AssetCard(
        id=device.id,
        title=_title(device, view),
        kind=shown("kind", device.kind),
        make_model=make_model,
        serial=shown("serial", device.serial),
        customer_ref=shown("customer_ref", device.customer_ref),
        site=shown("site", site.name if site else ""),
        warranty_until=shown("warranty_until", show_date(device.warranty_until)),
        last_test=_last_test_text(last) if view.shows("tests") else "",
        last_result=(last.result if last else "") if view.shows("tests") else "",
        open_defects=defects if view.shows("defects") else 0,
    )


def _search_filter(text: str, view: View):
    words = clean_text(text, "The search", MAX_SEARCH, one_line=True).lower()  # TextInputError when too long
    columns = [getattr(Device, key) for key in SEARCHABLE if view.shows(key)]
    if not words or not columns:
        return None
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return or_(*[func.lower(c).like(like, escape="\\") for c in columns])


@dataclass(frozen=True)
class AssetList:
    cards: list[AssetCard]
    total: int  # matching assets (the list holds at most MAX_LIST)
    sites: list[Choice]
    kinds: list[Choice]
    statuses: list[Choice]


def asset_list(
    session: Session,
    customer_id: int,
    *,
    search: str = "",
    site_id: int | None = None,
    kind: str = "",
    status: str = "",
    view: View | None = None,
) -> AssetList:
    view = view or view_of(session)
    query = select(Device, Site).outerjoin(Site, Site.id == Device.site_id).where(Device.customer_id == customer_id)
    matched = _search_filter(search, view)
    if matched is not None:
        query = query.where(matched)
    if site_id and view.shows("site"):
        query = query.where(Device.site_id == site_id)
    if kind and view.shows("kind"):
        query = query.where(func.lower(Device.kind) == kind.strip().lower()[:40])
    rows = session.exec(query.order_by((Device.asset_tag == "").asc(), func.lower(Device.asset_tag), Device.id)).all()
    ids = [d.id for d, _ in rows]
    tests = assets.last_tests(session, ids) if view.shows("tests") else {}
    defects = assets.open_defects(session, ids) if view.shows("defects") else {}
    if status in STATUSES and view.shows("tests"):
        wanted = {"passed": "pass", "failed": "fail", "untested": None}[status]
        rows = [(d, s) for d, s in rows if (tests[d.id].result if d.id in tests else None) == wanted]
    elif status == OPEN_DEFECTS and view.shows("defects"):
        rows = [(d, s) for d, s in rows if defects.get(d.id)]
    cards = [_card(d, s, view, tests.get(d.id), defects.get(d.id, 0)) for d, s in rows[:MAX_LIST]]
    return AssetList(
        cards,
        len(rows),
        _site_choices(session, customer_id, view),
        _kinds(session, customer_id, view),
        status_choices(view),
    )


def _site_choices(session: Session, customer_id: int, view: View) -> list[Choice]:
    if not view.shows("site"):
        return []
    found = session.exec(
        select(Site).where(Site.customer_id == customer_id).order_by(Site.active.desc(), func.lower(Site.name))
    ).all()
    return [Choice(str(s.id), s.name if s.active else f"{s.name} (closed)") for s in found]


def _kinds(session: Session, customer_id: int, view: View) -> list[Choice]:
    if not view.shows("kind"):
        return []
    found = session.exec(
        select(Device.kind).where(Device.customer_id == customer_id, Device.kind != "").distinct()
    ).all()
    return [Choice(k, k[:1].upper() + k[1:]) for k in sorted(set(found), key=str.lower)]


# --- one asset ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class TestLine:
    id: int
    tested_on: str
    result: str
    result_label: str
    number: str
    notes: str
    has_certificate: bool


@dataclass(frozen=True)
class DefectLine:
    id: int
    asset_id: int
    asset_title: str
    severity: str
    severity_label: str
    description: str
    found_on: str
    status: str
    fixed_on: str
    photo_ids: list[int]


@dataclass(frozen=True)
class OrderLine:
    id: int
    reference: str
    booked_in: str
    stage: str


@dataclass(frozen=True)
class AssetPage:
    card: AssetCard
    facts: list[Fact]
    tests: list[TestLine]
    defects: list[DefectLine]
    orders: list[OrderLine]
    shows_tests: bool
    shows_defects: bool


def _facts(device: Device, site: Site | None, view: View) -> list[Fact]:
    values = [
        ("asset_tag", view.label, device.asset_tag),
        ("kind", "Type", device.kind),
        ("make", "Make", device.make),
        ("model", "Model", device.model),
        ("serial", "Serial number", device.serial),
        ("customer_ref", "Your reference", device.customer_ref),
        ("site", "Site", site.name if site else ""),
        ("warranty_until", "Warranty until", show_date(device.warranty_until)),
        ("description", "Description", device.description),
    ]
    return [Fact(label, value) for key, label, value in values if view.shows(key) and value]


def _defect_lines(session: Session, devices: dict[int, Device], view: View) -> list[DefectLine]:
    return [
        DefectLine(
            id=d.id,
            asset_id=d.device_id,
            asset_title=_title(devices[d.device_id], view),
            severity=d.severity,
            severity_label=asset_records.SEVERITY_LABELS.get(d.severity, d.severity),
            description=d.description,
            found_on=show_date(d.found_on),
            status=d.status,
            fixed_on=show_date(d.fixed_on),
            photo_ids=photos,
        )
        for d, photos in asset_records.defects_of(session, list(devices))
    ]


def asset_page(
    session: Session,
    customer_id: int,
    asset_id: int | None,
    *,
    orders_of: int | bool | None = None,
    view: View | None = None,
) -> AssetPage | None:
    """One asset of the account, or None. `orders_of`: False, no orders; None, all the account's orders of
    the asset; a portal user id, only the orders that user requested ("view mine")."""
    device = assets.asset_of(session, customer_id, asset_id)
    if device is None:
        return None
    view = view or view_of(session)
    site = session.get(Site, device.site_id) if device.site_id else None
    tests = asset_records.tests_of(session, device.id) if view.shows("tests") else []
    last = assets.LastTest(tests[0].id, tests[0].tested_on, tests[0].result, tests[0].number) if tests else None
    defects = _defect_lines(session, {device.id: device}, view) if view.shows("defects") else []
    open_count = sum(1 for d in defects if d.status == DefectStatus.OPEN.value)
    orders = []
    tz = timefmt.shop_timezone(session)
    if orders_of is not False:
        for order, _stage in assets.order_history(
            session,
            customer_id,
            device.id,
            requested_by=None if orders_of is None or isinstance(orders_of, bool) else orders_of,
        ):
            orders.append(
                OrderLine(order.id, order.reference, timefmt.date(order.booked_in_at, tz), _stage_label(session, order))
            )
    return AssetPage(
        card=_card(device, site, view, last, open_count),
        facts=_facts(device, site, view),
        tests=[
            TestLine(
                t.id,
                show_date(t.tested_on),
                t.result,
                asset_records.RESULT_LABELS.get(t.result, t.result),
                t.number,
                t.notes,
                bool(t.certificate_name),
            )
            for t in tests
        ],
        defects=defects,
        orders=orders,
        shows_tests=view.shows("tests"),
        shows_defects=view.shows("defects"),
    )


def _stage_label(session: Session, order: Order) -> str:
    return tracking.customer_status(session, order).label


def defect_list(
    session: Session, customer_id: int, *, search: str = "", status: str = "", view: View | None = None
) -> list[DefectLine]:
    """The account's defects (open first), searchable by asset; [] when the shop doesn't show defects."""
    view = view or view_of(session)
    if not view.shows("defects"):
        return []
    query = select(Device).where(Device.customer_id == customer_id)
    matched = _search_filter(search, view)
    if matched is not None:
        query = query.where(matched)
    devices = {d.id: d for d in session.exec(query).all()}
    lines = _defect_lines(session, devices, view)
    if status in (DefectStatus.OPEN.value, DefectStatus.FIXED.value):
        lines = [line for line in lines if line.status == status]
    return lines[:MAX_LIST]


# --- files ----------------------------------------------------------------------------------------------


def certificate(session: Session, customer_id: int, asset_id: int | None, test_id: int | None) -> AssetTest | None:
    """A test certificate of the account's own asset, when the shop shows tests; else None."""
    if assets.asset_of(session, customer_id, asset_id) is None or not view_of(session).shows("tests"):
        return None
    return asset_records.certificate_of(session, asset_id, test_id)


def defect_photo(session: Session, customer_id: int, asset_id: int | None, photo_id: int | None) -> DefectPhoto | None:
    """A defect photo of the account's own asset, when the shop shows defects; else None."""
    if assets.asset_of(session, customer_id, asset_id) is None or not view_of(session).shows("defects"):
        return None
    return asset_records.photo_of(session, asset_id, photo_id)

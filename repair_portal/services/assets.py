"""A business account's assets: devices with an asset ID, site, customer reference and warranty. Staff add
and edit them; each has tests (asset_records.py), defects and an order history. Every function takes the
customer id first and treats another customer's asset id as unknown."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from sqlmodel import Session, func, select

from ..models import AssetTest, Customer, CustomerKind, Defect, DefectStatus, Device, Order, Site, Stage
from . import audit, sites

MAX_LENGTHS = {
    "asset_tag": 60,
    "kind": 40,
    "make": 100,
    "model": 100,
    "serial": 100,
    "customer_ref": 100,
    "description": 1000,
}
TEXT_FIELDS = tuple(MAX_LENGTHS)


class AssetError(ValueError):
    """A message safe to show; `field` names the form field it is about ('' for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def parse_date(text) -> date | None:
    """A date from a form ('2026-12-01', what <input type=date> sends), or None for empty; ValueError else."""
    raw = str(text or "").strip()
    if not raw:
        return None
    if len(raw) != 10:
        raise ValueError(raw)
    return date.fromisoformat(raw)


def show_date(value: date | None) -> str:
    return f"{value.day} {value.strftime('%b %Y')}" if value else ""


@dataclass(frozen=True)
class AssetForm:
    """The asset form as the browser sends it (bounded strings; validated by `save_asset`)."""

    asset_tag: str = ""
    kind: str = ""
    make: str = ""
    model: str = ""
    serial: str = ""
    customer_ref: str = ""
    description: str = ""
    site_id: str = ""
    warranty_until: str = ""

    @classmethod
    def from_form(cls, data: dict) -> AssetForm:
        return cls(**{f.name: str((data or {}).get(f.name, "") or "")[:2000] for f in fields(cls)})

    @classmethod
    def of(cls, device: Device) -> AssetForm:
        return cls(
            **{name: getattr(device, name) or "" for name in TEXT_FIELDS},
            site_id=str(device.site_id or ""),
            warranty_until=device.warranty_until.isoformat() if device.warranty_until else "",
        )


def asset_of(session: Session, customer_id: int, asset_id: int | None) -> Device | None:
    """The customer's own asset, or None (another customer's id, a forged one, none)."""
    if not asset_id or not customer_id:
        return None
    device = session.get(Device, asset_id)
    return device if device is not None and device.customer_id == customer_id else None


def _clean(form: AssetForm) -> dict:
    values = {name: " ".join(getattr(form, name).split()) for name in TEXT_FIELDS if name != "description"}
    values["description"] = form.description.strip()
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            raise AssetError(f"Keep this under {limit} characters.", name)
    if not values["kind"]:
        raise AssetError("Say what kind of asset this is, e.g. “Laptop” or “Fire extinguisher”.", "kind")
    return values


def save_asset(session: Session, customer_id: int, asset_id: int | None, form: AssetForm, actor: audit.Actor) -> Device:
    """Add (asset_id None) or edit one of a business account's assets. Run it in `write_session`."""
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        raise AssetError("That customer no longer exists.")
    if customer.kind != CustomerKind.BUSINESS.value:
        raise AssetError("Only business accounts have assets: make this customer a business account first.")
    values = _clean(form)
    try:
        warranty = parse_date(form.warranty_until)
    except ValueError:
        raise AssetError("Enter the warranty end as a date.", "warranty_until") from None
    device = asset_of(session, customer_id, asset_id) if asset_id else Device(customer_id=customer_id)
    if device is None:
        raise AssetError("That asset no longer exists. Reload the page.")
    site_id = None
    if form.site_id.strip():
        from .ids import parse_id

        site = sites.site_of(session, customer_id, parse_id(form.site_id))
        if site is None or (not site.active and site.id != device.site_id):
            raise AssetError("Choose one of this account's sites.", "site_id")
        site_id = site.id
    if values["asset_tag"]:
        clash = session.exec(
            select(Device.id).where(
                Device.customer_id == customer_id, func.lower(Device.asset_tag) == values["asset_tag"].lower()
            )
        ).first()
        if clash is not None and clash != device.id:
            raise AssetError("Another asset of this account already has this ID.", "asset_tag")
    for name, value in values.items():
        setattr(device, name, value)
    device.site_id, device.warranty_until = site_id, warranty
    session.add(device)
    session.flush()
    tag, new = device.asset_tag, not asset_id
    audit.record(session, actor, "asset.saved", customer_id=customer_id, asset_id=device.id, tag=tag, new=new)
    return device


# --- what every asset list shows: the last test and the open defects ---------------------------------------


@dataclass(frozen=True)
class LastTest:
    test_id: int
    tested_on: date
    result: str
    number: str


def last_tests(session: Session, device_ids: list[int]) -> dict[int, LastTest]:
    """Each asset's latest test (by test date, then the later record)."""
    if not device_ids:
        return {}
    ranked = (
        select(
            AssetTest.device_id,
            AssetTest.id,
            AssetTest.tested_on,
            AssetTest.result,
            AssetTest.number,
            func.row_number()
            .over(partition_by=AssetTest.device_id, order_by=(AssetTest.tested_on.desc(), AssetTest.id.desc()))
            .label("rank"),
        )
        .where(AssetTest.device_id.in_(device_ids))
        .subquery()
    )
    rows = session.exec(
        select(ranked.c.device_id, ranked.c.id, ranked.c.tested_on, ranked.c.result, ranked.c.number).where(
            ranked.c.rank == 1
        )
    ).all()
    return {r[0]: LastTest(r[1], r[2], r[3], r[4]) for r in rows}


def open_defects(session: Session, device_ids: list[int]) -> dict[int, int]:
    if not device_ids:
        return {}
    rows = session.exec(
        select(Defect.device_id, func.count())
        .where(Defect.device_id.in_(device_ids), Defect.status == DefectStatus.OPEN.value)
        .group_by(Defect.device_id)
    ).all()
    return dict(rows)


# --- staff views ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetRow:
    id: int
    asset_tag: str
    kind: str
    make: str
    model: str
    serial: str
    customer_ref: str
    site: str
    warranty_until: str
    last_test: LastTest | None
    open_defects: int

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.make, self.model) if p) or self.kind


def list_assets(session: Session, customer_id: int) -> list[AssetRow]:
    """Every device of the account (an asset ID first, then the rest), for the staff customer page."""
    rows = session.exec(
        select(Device, Site)
        .outerjoin(Site, Site.id == Device.site_id)
        .where(Device.customer_id == customer_id)
        .order_by((Device.asset_tag == "").asc(), func.lower(Device.asset_tag), Device.id)
    ).all()
    ids = [d.id for d, _ in rows]
    tests, defects = last_tests(session, ids), open_defects(session, ids)
    return [
        AssetRow(
            d.id,
            d.asset_tag,
            d.kind,
            d.make,
            d.model,
            d.serial,
            d.customer_ref,
            s.name if s else "",
            show_date(d.warranty_until),
            tests.get(d.id),
            defects.get(d.id, 0),
        )
        for d, s in rows
    ]


@dataclass(frozen=True)
class OrderLine:
    id: int
    reference: str
    booked_in: date
    stage: str
    stage_color: str = "gray"


def order_history(session: Session, customer_id: int, asset_id: int, *, requested_by: int | None = None) -> list:
    """The asset's orders, newest first (staff stage names). `requested_by`: only that portal user's."""
    query = (
        select(Order, Stage)
        .join(Stage, Stage.id == Order.stage_id)
        .where(Order.customer_id == customer_id, Order.device_id == asset_id)
    )
    if requested_by is not None:
        query = query.where(Order.requested_by_id == requested_by)
    rows = session.exec(query.order_by(Order.booked_in_at.desc(), Order.id.desc())).all()
    return [(o, s) for o, s in rows]


@dataclass(frozen=True)
class AssetDetail:
    id: int
    customer_id: int
    customer_name: str
    form: AssetForm
    site: str
    site_active: bool
    tests: list = field(default_factory=list)  # AssetTest rows, newest first
    defects: list = field(default_factory=list)  # (Defect, [photo ids]) open first, newest first
    orders: list = field(default_factory=list)  # (Order, Stage)


def asset_detail(session: Session, asset_id: int | None) -> AssetDetail | None:
    """Everything the staff asset page shows."""
    from . import asset_records

    device = session.get(Device, asset_id) if asset_id else None
    if device is None:
        return None
    customer = session.get(Customer, device.customer_id)
    site = session.get(Site, device.site_id) if device.site_id else None
    return AssetDetail(
        id=device.id,
        customer_id=device.customer_id,
        customer_name=(customer.company or customer.full_name) if customer else "",
        form=AssetForm.of(device),
        site=site.name if site else "",
        site_active=bool(site and site.active),
        tests=asset_records.tests_of(session, device.id),
        defects=asset_records.defects_of(session, [device.id]),
        orders=order_history(session, device.customer_id, device.id),
    )

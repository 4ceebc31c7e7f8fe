"""Every back-office editor with optimistic locking, raced on SQLite and on PostgreSQL (scale-out mode).

Two people opened the same record and save a different value into the same field at the same moment,
ROUNDS times: exactly one save lands, the other is told someone else saved (nothing written), and the
record holds the winner's value with one audit entry per round. The order editor and stage moves have
their own races in test_scale_out_races.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from repair_portal.db import session_scope, write_session
from repair_portal.models import AuditEvent, Customer, Location, PriceListItem, ServiceReport, ShopSettings
from repair_portal.services import (
    audit,
    customers,
    edits,
    locations,
    payment_settings,
    portal_settings,
    price_list,
    service_reports,
    shop_settings,
    text_settings,
)

from .. import factories
from .race_helpers import ROUNDS, together

CONFLICT = "conflict"


@dataclass(frozen=True)
class Editor:
    """How one editor loads what the page shows, saves a value into the raced field, and reads it back."""

    audit_action: str
    setup: Callable[[Session], int]  # the record's id
    load: Callable[[Session, int], object]
    save: Callable[[Session, int, object, str, audit.Actor, object], None]  # raises on a conflict
    stored: Callable[[Session, int], str]
    value: Callable[[int, int], str] = lambda r, k: f"Round {r} by editor {k}"


class Refused(Exception):
    """An editor that answers a conflict with a message instead of raising."""


def _no_conflict(answer: dict | None) -> None:
    if answer:
        raise Refused(answer.get("conflict") or answer)


def _customer(s: Session) -> int:
    customer = Customer(first_name="Ada", last_name="Nowak", email="ada@example.com")
    s.add(customer)
    s.flush()
    return customer.id


def _save_customer(s, cid, detail, value, actor, _settings):
    form = replace(customers.CustomerForm.of(detail), company=value)
    customers.update_customer(
        s, cid, form, expected_updated_at=detail.updated_at, actor=actor, original=customers.CustomerForm.of(detail)
    )


def _save_location(s, lid, loaded, value, actor, _settings):
    locations.update_location(s, lid, replace(loaded, address=value), original=loaded, actor=actor)


def _save_shop(s, _id, loaded, value, actor, _settings):
    form, version = loaded
    mine = replace(form, welcome_message=value)
    shop_settings.save_shop_settings(s, mine, expected_updated_at=version, actor=actor, loaded=form)


def _save_portal(s, _id, loaded, value, actor, _settings):
    portal_settings.save(s, replace(loaded, portal_off_url=value), loaded=loaded, actor=actor)


def _save_payment(s, _id, loaded, value, actor, settings):
    form = {**vars(loaded), "deposit_rule": "percent", "deposit_value": value}
    _no_conflict(payment_settings.save_payment_settings(s, settings, form, actor, loaded=loaded))


def _save_texts(s, _id, loaded, value, actor, settings):
    form = {**vars(loaded), "quiet_start": value, "quiet_end": "08:00"}
    _no_conflict(text_settings.save(s, settings, form, actor, loaded=loaded))


def _report(s: Session) -> int:
    _, location = factories.shop(s) if s.get(ShopSettings, 1) is None else (None, s.exec(select(Location)).first())
    order_id = factories.order(s, location).order.id
    form = service_reports.ReportForm(findings="Cracked screen")
    return service_reports.save_draft(s, order_id, None, service_reports.ReportForm(), form, factories.ACTOR)[0].id


def _save_report(s, rid, loaded, value, actor, _settings):
    order_id, original = loaded
    mine = replace(original, findings=value)
    service_reports.save_draft(s, order_id, rid, original, mine, actor)


def _item(s: Session) -> int:
    return price_list.create_item(s, price_list.ItemForm(name="Screen", price="89.00"), factories.ACTOR).id


def _save_item(s, iid, loaded, value, actor, _settings):
    form = price_list.ItemForm(name=value, price=loaded.price_input)
    price_list.update_item(s, iid, form, actor, seen_version=loaded.version)


def _item_view(s: Session, iid: int):
    return next(v for v in price_list.list_items(s) if v.id == iid)


def _shop_row(s: Session, _id: int) -> ShopSettings:
    return s.get(ShopSettings, 1)


EDITORS = {
    "customer": Editor(
        "customer.updated",
        _customer,
        lambda s, cid: customers.customer_detail(s, cid),
        _save_customer,
        lambda s, cid: s.get(Customer, cid).company,
    ),
    "location": Editor(
        "settings.location_changed",
        lambda s: s.exec(select(Location)).first().id,
        lambda s, lid: locations.form_for(s.get(Location, lid)),
        _save_location,
        lambda s, lid: s.get(Location, lid).address,
    ),
    "shop settings": Editor(
        "settings.shop_changed",
        lambda s: 1,
        lambda s, _id: shop_settings.load(s),
        _save_shop,
        lambda s, _id: _shop_row(s, _id).welcome_message,
    ),
    "portal settings": Editor(
        portal_settings.AUDIT_ACTION,
        lambda s: 1,
        lambda s, _id: portal_settings.load(s),
        _save_portal,
        lambda s, _id: _shop_row(s, _id).portal_off_url,
        lambda r, k: f"https://example.com/closed/{r}/{k}",
    ),
    "payment settings": Editor(
        payment_settings.AUDIT_ACTION,
        lambda s: 1,
        lambda s, _id: payment_settings.PaymentOptions.of(ShopSettings.current(s)),
        _save_payment,
        lambda s, _id: payment_settings.PaymentOptions.of(_shop_row(s, _id)).deposit_value,
        lambda r, k: str(10 * k + r + 1),  # a percentage: 1..10 and 11..20, never the same twice
    ),
    "text settings": Editor(
        text_settings.AUDIT_ACTION,
        lambda s: 1,
        lambda s, _id: text_settings.TextOptions.of(ShopSettings.current(s)),
        _save_texts,
        lambda s, _id: _shop_row(s, _id).quiet_hours_start,
        lambda r, k: f"{12 + 2 * (r % 5) + k}:{r:02d}",
    ),
    "service report": Editor(
        "service_report.saved",
        _report,
        lambda s, rid: (s.get(ServiceReport, rid).order_id, service_reports.form_for(s.get(ServiceReport, rid))),
        _save_report,
        lambda s, rid: s.get(ServiceReport, rid).findings,
    ),
    "price list item": Editor(
        "price_list.updated",
        _item,
        _item_view,
        _save_item,
        lambda s, iid: s.get(PriceListItem, iid).name,
    ),
}
CONFLICTS = (edits.EditConflict, Refused, price_list.PriceListError)


def _audits(engine, action: str) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)).one()


@pytest.mark.parametrize("name", list(EDITORS))
def test_two_people_saving_one_field_at_once_exactly_one_is_saved(name, each_engine, settings, clock):
    engine, editor = each_engine, EDITORS[name]
    with write_session(engine) as s:
        factories.shop(s)
        people = [factories.staff(s, email=f"{who}@example.com", name=who.title()) for who in ("alice", "bob")]
        actors = [audit.Actor("staff", p.id, p.email) for p in people]
        record_id = editor.setup(s)
    audits_before = _audits(engine, editor.audit_action)
    wrong: list[str] = []
    for r in range(ROUNDS):
        with session_scope(engine) as s:
            loaded = editor.load(s, record_id)
        values = [editor.value(r, k) for k in (0, 1)]

        def save(k: int, loaded=loaded, values=values):
            with write_session(engine) as s:
                editor.save(s, record_id, loaded, values[k], actors[k], settings)

        results = together([lambda k=k: save(k) for k in (0, 1)])
        saved = [k for k, res in enumerate(results) if res is None]
        told = [res for res in results if isinstance(res, CONFLICTS)]
        with session_scope(engine) as s:
            stored = editor.stored(s, record_id)
        if len(saved) != 1 or len(told) != 1:
            wrong.append(f"round {r}: {len(saved)} saved, {len(told)} told ({results}); stored {stored!r}")
        elif stored != values[saved[0]]:
            wrong.append(f"round {r}: stored {stored!r}, the saved value was {values[saved[0]]!r}")
    assert not wrong, f"{name}: {len(wrong)}/{ROUNDS} rounds went wrong:\n" + "\n".join(wrong)
    assert _audits(engine, editor.audit_action) - audits_before == ROUNDS

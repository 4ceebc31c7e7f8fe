"""Two staff acting on one order at the same moment, on SQLite and on PostgreSQL (scale-out mode).

Each race runs ROUNDS times with the workers released together: a stage move has one winner and one
history entry, a field edited by two people is saved once and the other person is told, edits of
different fields both land. A lost race fails the test with how many rounds went wrong.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from repair_portal.actions import order_page
from repair_portal.db import session_scope, write_session
from repair_portal.models import AuditEvent, Order, Stage, StatusEvent
from repair_portal.services import audit, order_edit

from .. import factories
from .race_helpers import ROUNDS, together

TZ = "Europe/London"
MOVABLE = ["Booked in", "Diagnosing", "Awaiting parts", "Repairing"]  # stages with no email or side effect


def _shop_with_order(engine) -> tuple[int, dict[str, int], list[audit.Actor]]:
    with write_session(engine) as s:
        _, location = factories.shop(s)
        alice = factories.staff(s, email="alice@example.com", name="Alice Able")
        bob = factories.staff(s, email="bob@example.com", name="Bob Baker")
        order_id = factories.order(s, location).order.id
        stages = {st.name: st.id for st in s.exec(select(Stage)).all()}
        actors = [audit.Actor("staff", u.id, u.email) for u in (alice, bob)]
    return order_id, stages, actors


def _history(engine, order_id: int) -> list[StatusEvent]:
    with session_scope(engine) as s:
        return list(s.exec(select(StatusEvent).where(StatusEvent.order_id == order_id).order_by(StatusEvent.id)))


def _audit_count(engine, action: str) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)).one()


def _order(engine, order_id: int) -> Order:
    with session_scope(engine) as s:
        return s.get(Order, order_id)


def test_two_staff_moving_one_order_at_once_one_wins_and_the_history_has_one_entry(app_on, clock):
    engine = app_on
    order_id, stages, actors = _shop_with_order(engine)
    wrong: list[str] = []
    for r in range(ROUNDS):
        shown = _order(engine, order_id).stage_id
        before = _history(engine, order_id)
        targets = [stages[name] for name in MOVABLE if stages[name] != shown][r % 2 : r % 2 + 2]
        outcomes = together(
            [
                lambda to=targets[k], a=actors[k], seen=str(shown): order_page.change_stage(order_id, to, seen, a)
                for k in (0, 1)
            ]
        )
        after = _history(engine, order_id)
        winners = [k for k, o in enumerate(outcomes) if getattr(o, "ok", False)]
        if len(winners) != 1:
            wrong.append(f"round {r}: {len(winners)} winners ({outcomes})")
            continue
        loser = outcomes[1 - winners[0]]
        if "Someone else moved this order" not in loser.message or not loser.stale:
            wrong.append(f"round {r}: the other mover was told {loser.message!r}")
        new = after[len(before) :]
        if len(new) != 1 or (new[0].from_stage_id, new[0].to_stage_id) != (shown, targets[winners[0]]):
            wrong.append(f"round {r}: {len(new)} history entries for one move")
        if _order(engine, order_id).stage_id != targets[winners[0]]:
            wrong.append(f"round {r}: the order is not where the winner moved it")
    assert not wrong, f"{len(wrong)}/{ROUNDS} rounds went wrong:\n" + "\n".join(wrong)
    assert len(_history(engine, order_id)) == 1 + ROUNDS  # booked in, then one move a round
    assert _audit_count(engine, "order.stage_changed") == ROUNDS


def _save(engine, order_id: int, loaded, mine, actor):
    with write_session(engine) as s:
        return order_edit.save_details(s, order_id, loaded, mine, actor, tz=TZ)[1]


def _loaded(engine, order_id: int) -> order_edit.DetailsForm:
    with session_scope(engine) as s:
        return order_edit.form_for(s.get(Order, order_id), TZ)


def test_two_staff_saving_the_same_field_at_once_one_is_saved_and_the_other_is_told(each_engine, clock):
    engine = each_engine
    order_id, _, actors = _shop_with_order(engine)
    wrong: list[str] = []
    for r in range(ROUNDS):
        loaded = _loaded(engine, order_id)
        version = _order(engine, order_id).version
        notes = [f"Round {r}: Alice's note", f"Round {r}: Bob's note"]
        forms = [order_edit.DetailsForm(**{**loaded.__dict__, "internal_note": n}) for n in notes]
        results = together(
            [lambda f=forms[k], a=actors[k], seen=loaded: _save(engine, order_id, seen, f, a) for k in (0, 1)]
        )
        saved = [k for k, res in enumerate(results) if res == ["internal_note"]]
        told = [res for res in results if isinstance(res, order_edit.EditConflict)]
        if len(saved) != 1 or len(told) != 1:
            wrong.append(f"round {r}: {len(saved)} saved, {len(told)} told of a conflict ({results})")
            continue
        if told[0].changed != ["internal_note"] or "were not saved" not in str(told[0]):
            wrong.append(f"round {r}: the conflict said {told[0]}")
        stored = _order(engine, order_id)
        if stored.internal_note != notes[saved[0]] or stored.version != version + 1:
            wrong.append(f"round {r}: stored {stored.internal_note!r} at version {stored.version} (was {version})")
    assert not wrong, f"{len(wrong)}/{ROUNDS} rounds went wrong:\n" + "\n".join(wrong)
    assert _audit_count(engine, "order.details_changed") == ROUNDS


def test_two_staff_saving_different_fields_at_once_both_edits_land(each_engine, clock):
    engine = each_engine
    order_id, _, actors = _shop_with_order(engine)
    wrong: list[str] = []
    for r in range(ROUNDS):
        loaded = _loaded(engine, order_id)
        version = _order(engine, order_id).version
        alice = order_edit.DetailsForm(**{**loaded.__dict__, "public_note": f"Round {r}: for the customer"})
        bob = order_edit.DetailsForm(**{**loaded.__dict__, "internal_note": f"Round {r}: for the bench"})
        results = together(
            [
                lambda f=form, a=actor, seen=loaded: _save(engine, order_id, seen, f, a)
                for form, actor in zip((alice, bob), actors, strict=True)
            ]
        )
        stored = _order(engine, order_id)
        if results != [["public_note"], ["internal_note"]]:
            wrong.append(f"round {r}: {results}")
        elif (stored.public_note, stored.internal_note) != (alice.public_note, bob.internal_note):
            wrong.append(f"round {r}: stored {stored.public_note!r} / {stored.internal_note!r}")
        elif stored.version != version + 2:
            wrong.append(f"round {r}: version {stored.version} after two saves from {version}")
    assert not wrong, f"{len(wrong)}/{ROUNDS} rounds went wrong:\n" + "\n".join(wrong)

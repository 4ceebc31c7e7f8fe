import pytest
from sqlmodel import select

from repair_portal.models import Quote, Stage
from repair_portal.services import audit, quote_decisions
from repair_portal.services.quote_builder import FormLine, QuoteFormError, parse_price, send_new_quote, to_specs

from .. import factories


@pytest.mark.parametrize(
    "text,minor",
    [("149", 14900), ("149.5", 14950), ("£149.50", 14950), ("0.99", 99), ("149,50", 14950), (" 12 ", 1200)],
)
def test_prices_parse_to_minor_units(text, minor):
    assert parse_price(text) == minor


@pytest.mark.parametrize("text", ["", "abc", "-5", "1.234", "1e5", "99999999"])
def test_bad_prices_are_refused(text):
    with pytest.raises(QuoteFormError):
        parse_price(text)


def test_form_rows_become_lines_and_empty_rows_are_ignored():
    specs = to_specs(
        [FormLine("Screen", "1", "149.00", False), FormLine("Case", "2", "5", True), FormLine("", "1", "", False)]
    )
    assert [(s.description, s.quantity, s.unit_price_minor, s.optional) for s in specs] == [
        ("Screen", 1, 14900, False),
        ("Case", 2, 500, True),
    ]
    with pytest.raises(QuoteFormError, match="quantity"):
        to_specs([FormLine("Screen", "0", "1", False)])
    with pytest.raises(QuoteFormError, match="at least one"):
        to_specs([FormLine("", "1", "", False)])


def test_sending_a_quote_moves_the_order_to_awaiting_approval_and_revisions_get_new_versions(session):
    _, location = factories.shop(session)
    staff = factories.staff(session)
    actor = audit.Actor("staff", staff.id, staff.email)
    new = factories.order(session, location)
    version, moved = send_new_quote(session, new.order, [FormLine("Screen", "1", "100", False)], actor)
    assert (version, moved) == (1, True)
    assert session.get(Stage, new.order.stage_id).name == "Awaiting approval"
    decision = quote_decisions.record_decision_by_staff(session, new.order.id, 1, True, "phone", "Ada Nowak", actor)
    assert decision.outcome == "approved" and decision.channel == "phone" and decision.recorded_by_id == staff.id
    assert session.get(Stage, new.order.stage_id).name == "Repairing"  # the approval moved it on
    version, moved = send_new_quote(session, new.order, [FormLine("Screen", "1", "120", False)], actor)
    assert (version, moved) == (2, True)  # a new version needs a new decision: back to awaiting approval
    statuses = [q.status for q in session.exec(select(Quote).order_by(Quote.version))]
    assert statuses == ["approved", "sent"]  # the signed/approved version stays as it was


def test_a_draft_is_saved_without_telling_the_customer_then_sent_as_the_same_version(session):
    from repair_portal.services.quote_builder import current_draft, save_draft

    _, location = factories.shop(session)
    staff = factories.staff(session)
    actor = audit.Actor("staff", staff.id, staff.email)
    new = factories.order(session, location)
    assert save_draft(session, new.order, [FormLine("Battery", "1", "49.99", False)], actor) == 1
    assert quote_decisions.customer_view_of_quote(session, new.order.id) is None  # the customer sees nothing
    assert session.get(Stage, new.order.stage_id).name == "Booked in"
    # editing the draft rewrites it in place: still version 1
    assert save_draft(session, new.order, [FormLine("Battery", "2", "49.99", True)], actor) == 1
    draft = current_draft(session, new.order.id)
    assert draft.version == 1 and draft.lines == [FormLine("Battery", "2", "49.99", True)]
    version, moved = send_new_quote(session, new.order, draft.lines, actor)
    assert (version, moved) == (1, True) and current_draft(session, new.order.id) is None
    assert quote_decisions.customer_view_of_quote(session, new.order.id).total.endswith("119.98")

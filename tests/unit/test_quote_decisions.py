"""Quote decisions: what the customer sees, the state machine, per-line choices, forged ids, idempotency."""

import hashlib
import json

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, Quote, QuoteLine, ShopSettings, Signature
from repair_portal.services import audit, quote_decisions, quote_view, quotes, signatures
from repair_portal.services.quote_decisions import (
    DecisionConflict,
    DecisionError,
    InvalidDecision,
    QuoteChanged,
    QuoteNotAvailable,
    customer_view_of_quote,
    set_optional_line,
)

from .. import factories
from .quote_helpers import (
    CUSTOMER,
    TERMS,
    approve,
    count_audit,
    count_signatures,
    decline,
    make_order,
    pad_png,
    sent_quote_for,
    shop_with_sent_quote,
)


def _optional_line(session, quote_id: int) -> QuoteLine:
    return next(line for line in quotes.lines_of(session, quote_id) if line.optional)


# --- what the customer sees -----------------------------------------------------------------


def test_a_draft_is_invisible_and_cannot_be_decided(session, clock):
    _, location = factories.shop(session)
    order = make_order(session, location)
    quote = quotes.create_quote(session, order, [quotes.LineSpec("Screen", 1, 5000, optional=True)], factories.ACTOR)
    assert customer_view_of_quote(session, order.id) is None
    with pytest.raises(QuoteNotAvailable):
        approve(session, order.id, 1, expected_sha256=quote_view.document_sha256(session, quote))
    with pytest.raises(QuoteNotAvailable):
        decline(session, order.id, 1)
    line = quotes.lines_of(session, quote.id)[0]
    with pytest.raises(QuoteNotAvailable):
        set_optional_line(session, order.id, line.id, False, CUSTOMER)
    assert session.get(Quote, quote.id).status == "draft"
    assert line.decision is None


def test_the_view_shows_lines_totals_and_a_hash_of_exactly_that(session, clock):
    setup = shop_with_sent_quote(session)
    view = customer_view_of_quote(session, setup.order_id)
    assert (view.version, view.status, view.can_decide, view.currency) == (1, "sent", True, "GBP")
    assert [(v.description, v.quantity, v.unit_price_minor, v.line_total_minor) for v in view.lines] == [
        ("Replacement screen", 1, 12000, 12000),
        ("Labour", 2, 1500, 3000),
        ("Screen protector", 1, 1000, 1000),
    ]
    assert [v.optional for v in view.lines] == [False, False, True] and view.has_optional_lines
    assert (view.subtotal_minor, view.tax_minor, view.total_minor) == (16000, 3200, 19200)
    assert (view.subtotal, view.tax, view.total) == ("£160.00", "£32.00", "£192.00")
    assert view.lines[1].unit_price == "£15.00" and view.lines[1].line_total == "£30.00"
    assert (view.tax_label, view.tax_rate) == ("VAT", "20%")
    assert view.valid_until_text == "16 Nov 2026" and not view.expired
    assert view.terms_text == TERMS
    assert view.consent_text == signatures.CONSENT_TEXTS[view.consent_version]
    quote = session.get(Quote, setup.quote_id)
    canonical = quote_view.canonical_document(session, quote)
    assert view.document_sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    doc = json.loads(canonical)
    assert doc["terms_text"] == TERMS and doc["total_minor"] == 19200 and doc["version"] == 1
    assert doc["valid_until"] == "2026-11-16T09:30:00+00:00" and doc["currency"] == "GBP"
    assert [line["description"] for line in doc["lines"]] == ["Replacement screen", "Labour", "Screen protector"]


def test_the_hash_is_stable_and_follows_every_shown_change(session, clock):
    setup = shop_with_sent_quote(session)
    first = customer_view_of_quote(session, setup.order_id).document_sha256
    assert customer_view_of_quote(session, setup.order_id).document_sha256 == first
    shop = session.get(ShopSettings, 1)
    shop.terms_text = TERMS + "\n4. New clause."
    session.add(shop)
    session.flush()
    with_new_terms = customer_view_of_quote(session, setup.order_id).document_sha256
    assert with_new_terms != first
    line = _optional_line(session, setup.quote_id)
    after_toggle = set_optional_line(session, setup.order_id, line.id, False, CUSTOMER).document_sha256
    assert after_toggle not in (first, with_new_terms)
    # explicitly accepting an untouched optional line changes nothing that is shown: same hash
    shop.terms_text = TERMS
    session.add(shop)
    set_optional_line(session, setup.order_id, line.id, True, CUSTOMER)
    assert customer_view_of_quote(session, setup.order_id).document_sha256 == first


# --- approve / decline ----------------------------------------------------------------------


def test_approving_records_the_decision_a_signature_and_one_audit_row(session, clock):
    setup = shop_with_sent_quote(session)
    shown = customer_view_of_quote(session, setup.order_id)
    decision = approve(session, setup.order_id, signer_name="  Ada   Nowak ")
    assert decision.approved and not decision.already_decided
    assert (decision.version, decision.channel, decision.decided_by_name) == (1, "portal", "Ada Nowak")
    assert (decision.total_minor, decision.total, decision.decided_at) == (19200, "£192.00", clock.now())
    quote = session.get(Quote, setup.quote_id)
    assert (quote.status, quote.decision_channel, quote.decided_by_name) == ("approved", "portal", "Ada Nowak")
    assert quote.recorded_by_id is None
    sig = session.exec(select(Signature)).one()
    assert sig.id == decision.signature_id
    assert (sig.order_id, sig.quote_id, sig.purpose) == (setup.order_id, setup.quote_id, "repair_authorisation")
    assert (sig.document_kind, sig.document_version, sig.document_sha256) == ("quote", "1", shown.document_sha256)
    assert sig.consent_text_version == shown.consent_version == "repair-authorisation-v1"
    assert (sig.signer_name, sig.auth_method, sig.ip) == ("Ada Nowak", "link_last_name", "203.0.113.7")
    assert sig.user_agent == "pytest-browser/1.0" and sig.signed_at == clock.now()
    assert sig.image_png.startswith(b"\x89PNG")
    assert count_audit(session, "quote.approved") == 1 and count_audit(session, "signature.recorded") == 1
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "quote.approved")).one()
    assert (event.order_id, event.actor_type, event.ip) == (setup.order_id, "customer", "203.0.113.7")
    assert json.loads(event.detail)["signature_id"] == sig.id
    # the untouched optional line was part of the approved total, so it is recorded as accepted
    assert _optional_line(session, setup.quote_id).decision == "accepted"
    after = customer_view_of_quote(session, setup.order_id)
    assert (after.status, after.can_decide, after.decided_by_name) == ("approved", False, "Ada Nowak")
    assert after.document_sha256 == sig.document_sha256  # what was signed can still be recomputed


def test_declining_records_the_reason_and_no_signature(session, clock):
    setup = shop_with_sent_quote(session)
    decision = decline(session, setup.order_id, reason="  I'll buy a new phone instead  ")
    assert (decision.outcome, decision.approved, decision.already_decided) == ("declined", False, False)
    assert decision.decline_reason == "I'll buy a new phone instead" and decision.signature_id is None
    quote = session.get(Quote, setup.quote_id)
    assert (quote.status, quote.decline_reason, quote.decided_by_name) == (
        "declined",
        "I'll buy a new phone instead",
        "Ada Nowak",
    )
    assert count_signatures(session) == 0
    assert count_audit(session, "quote.declined", setup.order_id) == 1
    view = customer_view_of_quote(session, setup.order_id)
    assert (view.status, view.can_decide, view.decline_reason) == ("declined", False, "I'll buy a new phone instead")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"agreed_to_terms": False}, "terms"),
        ({"agreed_to_terms": "yes"}, "terms"),  # a forged truthy value is not a ticked box
        ({"signer_name": ""}, "full name"),
        ({"signer_name": "A"}, "full name"),
        ({"signer_name": "12345"}, "full name"),
        ({"signer_name": "   "}, "full name"),
        ({"signer_name": "Ada\x00Nowak"}, "letters"),
        ({"signer_name": "A" * 201}, "too long"),
        ({"signature_png": pad_png(strokes=0)}, "empty"),
        ({"signature_png": b"not a png"}, "PNG"),
    ],
)
def test_incomplete_approvals_are_refused_and_change_nothing(session, clock, overrides, error):
    setup = shop_with_sent_quote(session)
    with pytest.raises(InvalidDecision, match=error):
        approve(session, setup.order_id, **overrides)
    assert session.get(Quote, setup.quote_id).status == "sent"
    assert count_signatures(session) == 0 and count_audit(session, "quote.approved") == 0


@pytest.mark.parametrize("reason", ["", "  ", "no", "x" * 2001, None])
def test_a_decline_needs_a_reason_of_3_to_2000_characters(session, clock, reason):
    setup = shop_with_sent_quote(session)
    with pytest.raises(InvalidDecision):
        decline(session, setup.order_id, reason=reason)
    assert session.get(Quote, setup.quote_id).status == "sent"
    assert count_audit(session, "quote.declined") == 0


def test_a_decline_of_exactly_3_and_2000_characters_is_accepted(session, clock):
    setup = shop_with_sent_quote(session)
    assert decline(session, setup.order_id, reason="no!").decline_reason == "no!"
    other = make_order(session, setup.location, last_name="Long")
    sent_quote_for(session, other)
    assert len(decline(session, other.id, reason="y" * 2000).decline_reason) == 2000


def test_a_stale_document_hash_is_refused(session, clock):
    setup = shop_with_sent_quote(session)
    old = customer_view_of_quote(session, setup.order_id).document_sha256
    # another tab removes the optional item after this tab loaded the quote
    set_optional_line(session, setup.order_id, _optional_line(session, setup.quote_id).id, False, CUSTOMER)
    for stale in (old, "0" * 64, "", None, old.upper()):
        with pytest.raises(QuoteChanged, match=r"(?i)the quote changed, please review it again"):
            approve(session, setup.order_id, expected_sha256=stale)
    assert session.get(Quote, setup.quote_id).status == "sent" and count_signatures(session) == 0
    decision = approve(session, setup.order_id)  # with the hash of what is shown now
    assert decision.approved and decision.total_minor == 18000


def test_a_staff_preview_cannot_sign_for_the_customer(session, clock):
    setup = shop_with_sent_quote(session)
    with pytest.raises(DecisionError, match="Only the customer"):
        approve(session, setup.order_id, auth_method="staff_preview")
    assert session.get(Quote, setup.quote_id).status == "sent" and count_signatures(session) == 0


def test_version_mismatch_and_superseded_quotes_are_refused(session, clock):
    setup = shop_with_sent_quote(session)
    v1_sha = customer_view_of_quote(session, setup.order_id).document_sha256
    v2 = quote_decisions.revise_quote(session, setup.order_id, [quotes.LineSpec("Cheaper screen", 1, 9000)], CUSTOMER)
    assert customer_view_of_quote(session, setup.order_id).version == 1  # the new draft is invisible
    quotes.send_quote(session, v2, factories.ACTOR)
    assert session.get(Quote, setup.quote_id).status == "superseded"
    view = customer_view_of_quote(session, setup.order_id)
    assert (view.version, view.total_minor) == (2, 10800)
    with pytest.raises(QuoteChanged):
        approve(session, setup.order_id, 1, expected_sha256=v1_sha)
    with pytest.raises(QuoteChanged):
        decline(session, setup.order_id, 1)
    with pytest.raises(QuoteChanged):  # the v1 hash doesn't approve v2 either
        approve(session, setup.order_id, 2, expected_sha256=v1_sha)
    with pytest.raises(QuoteNotAvailable):
        approve(session, setup.order_id, 3)
    for forged in ("1", 1.0, True, None):
        with pytest.raises(QuoteNotAvailable):
            approve(session, setup.order_id, forged)
    assert session.get(Quote, setup.quote_id).status == "superseded" and session.get(Quote, v2.id).status == "sent"
    assert approve(session, setup.order_id, 2).version == 2


def test_another_orders_quote_cannot_be_decided_through_this_order(session, clock):
    setup = shop_with_sent_quote(session)
    other = make_order(session, setup.location, last_name="Other")
    other_sha = customer_view_of_quote(session, setup.order_id).document_sha256
    with pytest.raises(QuoteNotAvailable):  # the other order has no quote: ids of this one don't help
        approve(session, other.id, 1, expected_sha256=other_sha)
    with pytest.raises(QuoteNotAvailable):
        decline(session, other.id, 1)
    with pytest.raises(QuoteNotAvailable):
        approve(session, 999_999, 1, expected_sha256=other_sha)
    assert session.get(Quote, setup.quote_id).status == "sent"


# --- optional lines -------------------------------------------------------------------------


def test_declining_an_optional_line_takes_it_out_of_the_total(session, clock):
    setup = shop_with_sent_quote(session)
    line = _optional_line(session, setup.quote_id)
    view = set_optional_line(session, setup.order_id, line.id, False, CUSTOMER)
    assert (view.subtotal_minor, view.tax_minor, view.total_minor, view.total) == (15000, 3000, 18000, "£180.00")
    shown = next(v for v in view.lines if v.id == line.id)
    assert (shown.decision, shown.included) == ("declined", False)
    assert quotes.quote_totals(session, session.get(Quote, setup.quote_id)).total == 18000
    view = set_optional_line(session, setup.order_id, line.id, True, CUSTOMER)
    assert view.total_minor == 19200 and next(v for v in view.lines if v.id == line.id).decision == "accepted"
    assert count_audit(session, "quote.line_decided", setup.order_id) == 2
    set_optional_line(session, setup.order_id, line.id, False, CUSTOMER)
    decision = approve(session, setup.order_id)
    assert decision.total_minor == 18000
    assert _optional_line(session, setup.quote_id).decision == "declined"  # the choice survives approval


def test_forged_line_ids_are_refused(session, clock):
    setup = shop_with_sent_quote(session)
    other = make_order(session, setup.location, last_name="Other")
    other_quote = sent_quote_for(session, other)
    other_line = _optional_line(session, other_quote.id)
    fixed_line = quotes.lines_of(session, setup.quote_id)[0]
    with pytest.raises(QuoteNotAvailable, match="isn't part of your current quote"):
        set_optional_line(session, setup.order_id, other_line.id, False, CUSTOMER)
    with pytest.raises(QuoteNotAvailable):
        set_optional_line(session, setup.order_id, 987_654, False, CUSTOMER)
    with pytest.raises(QuoteNotAvailable):
        set_optional_line(session, setup.order_id, str(fixed_line.id), False, CUSTOMER)
    with pytest.raises(InvalidDecision, match="Only optional items"):
        set_optional_line(session, setup.order_id, fixed_line.id, False, CUSTOMER)
    with pytest.raises(InvalidDecision):
        set_optional_line(session, setup.order_id, _optional_line(session, setup.quote_id).id, "false", CUSTOMER)
    assert session.get(QuoteLine, other_line.id).decision is None
    assert session.get(QuoteLine, fixed_line.id).decision is None
    assert quotes.quote_totals(session, other_quote).total == 19200


def test_lines_of_a_superseded_or_decided_quote_are_locked(session, clock):
    setup = shop_with_sent_quote(session)
    old_line = _optional_line(session, setup.quote_id)
    v2 = quote_decisions.revise_quote(session, setup.order_id, quotes_lines_with_optional(), CUSTOMER)
    quotes.send_quote(session, v2, factories.ACTOR)
    with pytest.raises(QuoteNotAvailable):
        set_optional_line(session, setup.order_id, old_line.id, False, CUSTOMER)
    approve(session, setup.order_id, 2)
    with pytest.raises(QuoteNotAvailable, match="no quote waiting"):
        set_optional_line(session, setup.order_id, _optional_line(session, v2.id).id, False, CUSTOMER)
    assert session.get(QuoteLine, old_line.id).decision is None
    assert _optional_line(session, v2.id).decision == "accepted"


def quotes_lines_with_optional():
    return [quotes.LineSpec("Battery", 1, 6000), quotes.LineSpec("Case", 1, 1500, optional=True)]


# --- exactly once ---------------------------------------------------------------------------


def test_a_second_approval_returns_the_first_and_records_nothing_more(session, clock):
    setup = shop_with_sent_quote(session)
    first = approve(session, setup.order_id)
    clock.advance(seconds=2)
    again = approve(session, setup.order_id)  # double click / second tab
    forged = approve(session, setup.order_id, signature_png=b"", signer_name="", expected_sha256="x")
    for repeat in (again, forged):
        assert repeat.already_decided and repeat.approved
        assert (repeat.signature_id, repeat.decided_at, repeat.quote_id) == (
            first.signature_id,
            first.decided_at,
            first.quote_id,
        )
    assert count_signatures(session) == 1
    assert count_audit(session, "quote.approved") == 1 and count_audit(session, "signature.recorded") == 1


def test_a_second_decline_returns_the_first(session, clock):
    setup = shop_with_sent_quote(session)
    first = decline(session, setup.order_id, reason="Too expensive")
    again = decline(session, setup.order_id, reason="Changed my mind twice")
    assert again.already_decided and again.decline_reason == "Too expensive" == first.decline_reason
    assert count_audit(session, "quote.declined") == 1


def test_approve_after_decline_and_decline_after_approve_are_refused(session, clock):
    setup = shop_with_sent_quote(session)
    decline(session, setup.order_id)
    with pytest.raises(DecisionConflict, match="declined"):
        approve(session, setup.order_id)
    assert session.get(Quote, setup.quote_id).status == "declined" and count_signatures(session) == 0

    other = make_order(session, setup.location, last_name="Second")
    sent_quote_for(session, other)
    approve(session, other.id)
    with pytest.raises(DecisionConflict, match="already approved"):
        decline(session, other.id)
    assert count_audit(session, "quote.declined", other.id) == 0
    assert session.exec(select(Quote).where(Quote.order_id == other.id)).one().status == "approved"


# --- staff-recorded decisions ---------------------------------------------------------------


def _staff_actor(session):
    user = factories.staff(session, email="desk@example.com")
    return user, audit.Actor("staff", user.id, user.email, "10.0.0.5", "staff-browser")


def test_staff_record_a_phone_approval_with_channel_and_staff_id(session, clock):
    setup = shop_with_sent_quote(session)
    user, staff = _staff_actor(session)
    decision = quote_decisions.record_decision_by_staff(session, setup.order_id, 1, True, "phone", "Ada Nowak", staff)
    assert (decision.approved, decision.channel, decision.recorded_by_id) == (True, "phone", user.id)
    quote = session.get(Quote, setup.quote_id)
    assert (quote.status, quote.decision_channel, quote.recorded_by_id, quote.decided_by_name) == (
        "approved",
        "phone",
        user.id,
        "Ada Nowak",
    )
    assert count_signatures(session) == 0 and decision.signature_id is None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "quote.approved")).one()
    assert (event.actor_type, event.actor_id, json.loads(event.detail)["channel"]) == ("staff", user.id, "phone")
    again = quote_decisions.record_decision_by_staff(session, setup.order_id, 1, True, "phone", "Ada Nowak", staff)
    assert again.already_decided and count_audit(session, "quote.approved") == 1
    with pytest.raises(DecisionConflict):
        quote_decisions.record_decision_by_staff(session, setup.order_id, 1, False, "phone", "Ada Nowak", staff)


def test_staff_record_an_in_person_decline(session, clock):
    setup = shop_with_sent_quote(session)
    user, staff = _staff_actor(session)
    decision = quote_decisions.record_decision_by_staff(
        session, setup.order_id, 1, False, "in_person", "Ada Nowak", staff, reason="Will get it fixed elsewhere"
    )
    quote = session.get(Quote, setup.quote_id)
    assert (quote.status, quote.decision_channel, quote.recorded_by_id) == ("declined", "in_person", user.id)
    assert quote.decline_reason == "Will get it fixed elsewhere" == decision.decline_reason
    assert count_audit(session, "quote.declined") == 1


def test_staff_decisions_need_a_staff_actor_a_channel_and_a_name(session, clock):
    setup = shop_with_sent_quote(session)
    _, staff = _staff_actor(session)
    record = quote_decisions.record_decision_by_staff
    with pytest.raises(DecisionError, match="staff member"):
        record(session, setup.order_id, 1, True, "phone", "Ada Nowak", CUSTOMER)
    with pytest.raises(InvalidDecision, match="phone or in person"):
        record(session, setup.order_id, 1, True, "portal", "Ada Nowak", staff)
    with pytest.raises(InvalidDecision, match="name"):
        record(session, setup.order_id, 1, True, "phone", " ", staff)
    assert session.get(Quote, setup.quote_id).status == "sent"
    assert count_audit(session, "quote.approved") == 0


def test_a_counter_approval_records_who_the_optional_lines_and_the_shops_note(session, clock):
    setup = shop_with_sent_quote(session)
    user, staff = _staff_actor(session)
    protector = _optional_line(session, setup.quote_id)
    decision = quote_decisions.record_decision_by_staff(
        session,
        setup.order_id,
        1,
        True,
        "in_person",
        "Jan Nowak",
        staff,
        included={protector.id: False},
        note="  Husband approved; wants it by Friday  ",
    )
    assert (decision.decided_by_name, decision.channel, decision.note) == (
        "Jan Nowak",
        "in_person",
        "Husband approved; wants it by Friday",
    )
    assert decision.total_minor == 18000  # without the protector: 15000 + 20% VAT
    quote = session.get(Quote, setup.quote_id)
    assert (quote.decided_by_name, quote.decision_note, quote.recorded_by_id) == (
        "Jan Nowak",
        "Husband approved; wants it by Friday",
        user.id,
    )
    assert session.get(QuoteLine, protector.id).decision == "declined"
    view = customer_view_of_quote(session, setup.order_id)  # what the portal shows: approved, without the extra
    assert (view.status, view.total_minor, view.lines[2].included) == ("approved", 18000, False)
    detail = json.loads(session.exec(select(AuditEvent).where(AuditEvent.action == "quote.approved")).one().detail)
    assert detail["customer_name"] == "Jan Nowak" and detail["left_out"] == ["Screen protector"]
    assert detail["note"] == "Husband approved; wants it by Friday" and detail["channel"] == "in_person"
    from repair_portal.services import order_activity

    said = [a.what for a in order_activity.order_activity(session, setup.order_id, "Europe/London")]
    assert (
        "Approved quote v1 at the counter (given by Jan Nowak; left out: Screen protector; "
        "note: “Husband approved; wants it by Friday”)"
    ) in said
    # A second click: the decision stands as it was, with one audit row, whatever the second one says.
    again = quote_decisions.record_decision_by_staff(
        session, setup.order_id, 1, True, "phone", "Someone Else", staff, included={protector.id: True}, note="x"
    )
    assert again.already_decided and again.decided_by_name == "Jan Nowak" and again.total_minor == 18000
    assert session.get(QuoteLine, protector.id).decision == "declined"
    assert count_audit(session, "quote.approved") == 1


def test_optional_lines_staff_leave_alone_keep_the_customers_choice(session, clock):
    setup = shop_with_sent_quote(session)
    _, staff = _staff_actor(session)
    protector = _optional_line(session, setup.quote_id)
    set_optional_line(session, setup.order_id, protector.id, False, CUSTOMER)
    decision = quote_decisions.record_decision_by_staff(
        session, setup.order_id, 1, True, "phone", "Ada Nowak", staff, included={}
    )
    assert decision.total_minor == 18000 and session.get(QuoteLine, protector.id).decision == "declined"
    assert "left_out" in json.loads(
        session.exec(select(AuditEvent).where(AuditEvent.action == "quote.approved")).one().detail
    )


def test_staff_line_choices_refuse_other_lines_and_odd_values(session, clock):
    setup = shop_with_sent_quote(session)
    _, staff = _staff_actor(session)
    other = sent_quote_for(session, make_order(session, setup.location, last_name="Other"))
    other_optional = _optional_line(session, other.id)
    required = quotes.lines_of(session, setup.quote_id)[0]
    protector = _optional_line(session, setup.quote_id)
    record = quote_decisions.record_decision_by_staff
    for included, error in [
        ({other_optional.id: False}, QuoteNotAvailable),
        ({10**9: False}, QuoteNotAvailable),
        ({"1": False}, QuoteNotAvailable),
        ({True: False}, QuoteNotAvailable),
        ({required.id: False}, InvalidDecision),
        ({protector.id: "no"}, InvalidDecision),
        ([protector.id], InvalidDecision),
    ]:
        with pytest.raises(error):
            record(session, setup.order_id, 1, True, "phone", "Ada Nowak", staff, included=included)
    with pytest.raises(InvalidDecision, match="only when approving"):
        record(session, setup.order_id, 1, False, "phone", "Ada Nowak", staff, included={protector.id: False})
    with pytest.raises(InvalidDecision, match="note"):
        record(session, setup.order_id, 1, True, "phone", "Ada Nowak", staff, note="x" * 2001)
    assert session.get(Quote, setup.quote_id).status == "sent"
    assert session.get(QuoteLine, protector.id).decision is None
    assert session.get(QuoteLine, other_optional.id).decision is None
    assert count_audit(session, "quote.approved") == count_audit(session, "quote.declined") == 0


# --- revising -------------------------------------------------------------------------------


def test_revising_after_approval_keeps_the_signed_quote_and_signature_intact(session, clock):
    setup = shop_with_sent_quote(session)
    approve(session, setup.order_id)
    session.commit()
    v1 = session.get(Quote, setup.quote_id)
    v1_lines = [(x.id, x.description, x.unit_price_minor, x.decision) for x in quotes.lines_of(session, v1.id)]
    sig = session.exec(select(Signature)).one()
    sig_before = (sig.record_hash, sig.image_png, sig.document_sha256, sig.quote_id)

    v2 = quote_decisions.revise_quote(session, setup.order_id, quotes_lines_with_optional(), CUSTOMER)
    assert (v2.version, v2.status, v2.decided_at, v2.decision_channel) == (2, "draft", None, None)
    assert [(x.description, x.decision) for x in quotes.lines_of(session, v2.id)] == [
        ("Battery", None),
        ("Case", None),
    ]
    assert customer_view_of_quote(session, setup.order_id).version == 1  # still the approved one
    quotes.send_quote(session, v2, factories.ACTOR)
    session.commit()

    assert session.get(Quote, v1.id).status == "approved"  # a decided quote is never superseded
    assert [(x.id, x.description, x.unit_price_minor, x.decision) for x in quotes.lines_of(session, v1.id)] == v1_lines
    sig = session.exec(select(Signature)).one()
    assert (sig.record_hash, sig.image_png, sig.document_sha256, sig.quote_id) == sig_before
    assert signatures.verify_chain(session) == []
    view = customer_view_of_quote(session, setup.order_id)
    assert (view.version, view.status, view.total_minor) == (2, "sent", 9000)


def test_revising_an_unsent_draft_rewrites_it_in_place(session, clock):
    setup = shop_with_sent_quote(session)
    first = quote_decisions.revise_quote(session, setup.order_id, [quotes.LineSpec("A", 1, 100)], CUSTOMER)
    second = quote_decisions.revise_quote(session, setup.order_id, [quotes.LineSpec("B", 2, 200)], CUSTOMER)
    assert first.id == second.id and second.version == 2
    assert [(x.description, x.quantity) for x in quotes.lines_of(session, second.id)] == [("B", 2)]
    assert session.get(Quote, setup.quote_id).status == "sent"  # untouched until v2 is sent
    with pytest.raises(quotes.QuoteError):
        quote_decisions.revise_quote(session, setup.order_id, [], CUSTOMER)
    with pytest.raises(QuoteNotAvailable):
        quote_decisions.revise_quote(session, 424242, [quotes.LineSpec("A", 1, 100)], CUSTOMER)


def test_only_drafts_can_be_sent_or_rewritten(session, clock):
    setup = shop_with_sent_quote(session)
    quote = session.get(Quote, setup.quote_id)
    with pytest.raises(quotes.QuoteError, match="Only a draft"):
        quotes.send_quote(session, quote, factories.ACTOR)
    with pytest.raises(quotes.QuoteError, match="Only a draft"):
        quotes.replace_draft_lines(session, quote, [quotes.LineSpec("X", 1, 1)], factories.ACTOR)
    assert [x.description for x in quotes.lines_of(session, quote.id)] == [
        "Replacement screen",
        "Labour",
        "Screen protector",
    ]


@pytest.mark.parametrize(
    "line",
    [
        quotes.LineSpec("", 1, 100),
        quotes.LineSpec("x" * 501, 1, 100),
        quotes.LineSpec("Part", 0, 100),
        quotes.LineSpec("Part", 1.5, 100),
        quotes.LineSpec("Part", 1, -1),
        quotes.LineSpec("Part", 1, 10.5),
        quotes.LineSpec("Part", 1, 10**12),
    ],
)
def test_bad_quote_lines_are_refused(session, line):
    _, location = factories.shop(session)
    order = make_order(session, location)
    with pytest.raises(quotes.QuoteError):
        quotes.create_quote(session, order, [line], factories.ACTOR)

"""Signing at the counter: the lock, what can be signed, the chain, the audited unlock, the terms kept."""

from __future__ import annotations

from sqlmodel import select

from repair_portal.models import AuditEvent, ShopSettings, Signature, SignedText, StaffSession, Stage, StageKind
from repair_portal.services import audit, counter, signatures, signed_records, staff_auth, workflow

from .. import factories
from .test_consents import _png

STAFF = audit.Actor("staff", None, "front@example.com", "10.0.0.5", "counter tablet")


def _locked_shop(write, engine, settings, purpose="data_consent", terms="Repairs are guaranteed for 90 days."):
    with write() as s:
        shop, location = factories.shop(s)
        shop.terms_text = terms
        factories.staff(s, email="front@example.com", name="Fran Desk")
        new = factories.order(s, location)
        order_id = new.order.id
    token = staff_auth.sign_in(engine, settings, email="front@example.com", password=factories.STAFF_PASSWORD).token
    with write() as s:
        session_id = staff_auth.resolve_session(s, settings, token).session_id
        if purpose:
            counter.start(s, session_id, order_id, purpose, STAFF)
    return order_id, session_id, token


def test_the_choices_follow_the_order_and_the_shops_terms(write, engine, settings):
    order_id, _, _ = _locked_shop(write, engine, settings, purpose=None)
    from repair_portal.models import Order

    with write() as s:
        order = s.get(Order, order_id)
        assert [c.purpose for c in counter.choices(s, order)] == ["terms", "data_consent"]
        ready = s.exec(select(Stage).where(Stage.kind == StageKind.READY.value)).one()
        workflow.change_stage(s, order, ready, audit.SYSTEM)
        # collection is signed at the counter even though the shop doesn't allow it remotely
        assert [c.purpose for c in counter.choices(s, order)] == ["terms", "data_consent", "collection"]
        shop = ShopSettings.current(s)
        shop.terms_text = "   "
        s.add(shop)
        assert [c.purpose for c in counter.choices(s, order)] == ["data_consent", "collection"]


def test_a_locked_session_is_only_the_counter_screen_until_the_password_unlocks_it(write, engine, settings):
    order_id, session_id, token = _locked_shop(write, engine, settings)
    with write() as s:
        identity = staff_auth.resolve_session(s, settings, token)
        assert identity.counter_locked
        assert staff_auth.portal_previewer(s, settings, token) is None  # no staff preview from a locked browser
        shown = counter.screen(s, session_id)
        assert shown.title == "Data-handling consent" and not shown.signed and shown.customer_name == "Ada Nowak"
        assert shown.staff_name == "Fran Desk" and "backed up" in shown.text
    with write() as s:
        refused = counter.unlock(s, settings, session_id, "guess", STAFF)
    assert refused.order_id is None and "password" in refused.error
    with write() as s:
        assert staff_auth.resolve_session(s, settings, token).counter_locked  # still locked
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "counter.unlock_failed")).first() is not None
    with write() as s:
        opened = counter.unlock(s, settings, session_id, factories.STAFF_PASSWORD, STAFF)
    assert opened.order_id == order_id and opened.error == ""
    with write() as s:
        assert not staff_auth.resolve_session(s, settings, token).counter_locked
        assert counter.screen(s, session_id) is None


def test_guessing_the_unlock_password_runs_into_the_limit(write, engine, settings):
    _, session_id, _ = _locked_shop(write, engine, settings)
    errors = []
    for _ in range(settings.login_max_failures_per_account + 1):
        with write() as s:
            errors.append(counter.unlock(s, settings, session_id, "guess", STAFF).error)
    assert errors[-1].startswith("Too many wrong passwords")
    with write() as s:  # even the right password waits now: the limit is counted before the check
        blocked = counter.unlock(s, settings, session_id, factories.STAFF_PASSWORD, STAFF)
    assert blocked.order_id is None and blocked.error.startswith("Too many")


def test_the_customer_signs_what_the_session_is_locked_to_into_the_same_chain(write, engine, settings):
    order_id, session_id, _ = _locked_shop(write, engine, settings, purpose="terms")
    with write() as s:
        shown = counter.sign(s, session_id, signer_name="Ada  Nowak", png=_png(), ip="10.0.0.9", user_agent="tablet")
    assert shown.signed and shown.signer_name == "Ada Nowak"
    with write() as s:
        sig = s.exec(select(Signature)).one()
        assert (sig.order_id, sig.purpose, sig.auth_method) == (order_id, "terms", "in_person")
        assert signatures.verify_chain(s) == []
        kept = s.exec(select(SignedText)).one()
        assert kept.sha256 == sig.document_sha256 and kept.body.startswith("Repairs are guaranteed for 90 days.")
        witnessed = s.exec(select(AuditEvent).where(AuditEvent.action == "counter.signed")).one()
        assert '"witnessed_by"' in witnessed.detail
        # the shop rewrites its terms later: the signature still shows the words signed
        shop = ShopSettings.current(s)
        shop.terms_text = "New terms: no guarantee."
        s.add(shop)
    with write() as s:
        detail = signed_records.detail(s, order_id, sig.id)
        assert detail.text.startswith("Repairs are guaranteed for 90 days.") and "accept" in detail.text
        assert detail.channel == "In person at the counter" and detail.ip == "10.0.0.9"
        assert signed_records.detail(s, order_id + 1, sig.id) is None  # another order's id shows nothing
        assert signed_records.image_of(s, order_id, sig.id).startswith(b"\x89PNG")
    with write() as s:  # a second tap (or a replayed event) signs nothing new
        try:
            counter.sign(s, session_id, signer_name="Ada Nowak", png=_png(), ip="", user_agent="")
        except counter.CounterError as exc:
            assert "signed already" in str(exc)
        else:
            raise AssertionError("signed twice")
    with write() as s:
        assert len(s.exec(select(Signature)).all()) == 1
        assert s.get(StaffSession, session_id).counter_signed_at is not None  # still locked, showing thanks


def test_a_bad_signature_is_refused_and_the_screen_stays_open(write, engine, settings):
    _, session_id, _ = _locked_shop(write, engine, settings)
    with write() as s:
        try:
            counter.sign(s, session_id, signer_name="Ada Nowak", png=b"not a png", ip="", user_agent="")
        except counter.CounterError as exc:
            assert "PNG" in str(exc)
    with write() as s:
        assert s.exec(select(Signature)).all() == []
        assert not counter.screen(s, session_id).signed


def test_only_what_the_order_needs_can_be_opened(write, engine, settings):
    order_id, session_id, _ = _locked_shop(write, engine, settings, purpose=None)
    for purpose in ("collection", "repair_authorisation", "nonsense"):
        with write() as s:
            try:
                counter.start(s, session_id, order_id, purpose, STAFF)
            except counter.CounterError:
                pass
            else:
                raise AssertionError(f"{purpose} opened")
    with write() as s:
        try:
            counter.start(s, session_id, order_id + 99, "data_consent", STAFF)
        except counter.CounterError as exc:
            assert "no longer exists" in str(exc)
        assert counter.lock_of(s, session_id) is None

"""Settings → Portal access, the shop-wide switches: validation, field-by-field saves, conflicts, audit."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, ShopSettings
from repair_portal.services import audit, portal_settings, shop_settings
from repair_portal.services.portal_settings import PortalSettingsConflict, PortalSettingsInvalid, PortalSwitches

from .. import factories

ANNA = audit.Actor("staff", None, "anna@example.com")
BEN = audit.Actor("staff", None, "ben@example.com")


@pytest.fixture
def shop(write):
    with write() as s:
        factories.shop(s)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://example.com/",
        "/staff",
        "//evil.example",
        "example.com",
        "https://",
        "https://user:pw@example.com/",
        "https://exa mple.com/",
        'https://example.com/"onmouseover',
        "https://example.com:99999/",
        "https://localhost-ish/",
        "https://" + "a" * 500 + ".com",
    ],
)
def test_only_absolute_web_addresses_are_accepted(url):
    with pytest.raises(ValueError):
        portal_settings.clean_off_url(url)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  https://www.example.com/contact  ", "https://www.example.com/contact"),
        ("http://shop.example.co.uk", "http://shop.example.co.uk"),
        ("HTTPS://Example.com/a?b=c#d", "HTTPS://Example.com/a?b=c#d"),
        ("http://localhost:8080/closed", "http://localhost:8080/closed"),
        ("", ""),
    ],
)
def test_web_addresses_are_trimmed_and_kept(raw, stored):
    assert portal_settings.clean_off_url(raw) == stored


def test_roles_from_the_browser_are_known_ones_once_in_the_roles_order():
    switches = PortalSwitches.from_input("yes", " https://x.example ", True, ["manager", "owner", "owner", "admin"])
    assert switches.portal_enabled is False  # only a real boolean switches it on
    assert switches.portal_password_mix is True and switches.staff_mfa_roles == ("owner", "manager")
    assert PortalSwitches.from_input(True, None, False, "owner").staff_mfa_roles == ()
    assert portal_settings.parse_roles(" manager,technician ,bogus") == ("manager", "technician")


def test_save_stores_what_changed_and_audits_it(write, read, shop):
    with read() as s:
        loaded = portal_settings.load(s)
    assert loaded == PortalSwitches()  # portal on, no URL, no mix rule, nobody must use TOTP
    mine = PortalSwitches(False, " https://www.example.com/closed ", True, ("owner", "manager"))
    with write() as s:
        changed = portal_settings.save(s, mine, loaded=loaded, actor=ANNA)
    assert changed == ["portal_enabled", "portal_off_url", "portal_password_mix", "staff_mfa_roles"]
    with read() as s:
        shop = s.get(ShopSettings, 1)
        assert (shop.portal_enabled, shop.portal_off_url, shop.portal_password_mix, shop.staff_mfa_roles) == (
            False,
            "https://www.example.com/closed",
            True,
            "owner,manager",
        )
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "settings.portal_changed")).one()
        assert json.loads(event.detail)["changes"]["staff_mfa_roles"] == ["none", "Owner, Manager"]
        again = portal_settings.load(s)
    with write() as s:
        assert portal_settings.save(s, again, loaded=again, actor=ANNA) == []
    with read() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "settings.portal_changed")).all()) == 1


def test_a_bad_address_is_refused_with_a_field_message_and_nothing_saved(write, read, shop):
    with read() as s:
        loaded = portal_settings.load(s)
    with write() as s, pytest.raises(PortalSettingsInvalid) as refused:
        portal_settings.save(
            s, replace(loaded, portal_enabled=False, portal_off_url="javascript:x"), loaded=loaded, actor=ANNA
        )
    assert set(refused.value.errors) == {"portal_off_url"}
    with read() as s:
        assert s.get(ShopSettings, 1).portal_enabled is True


def test_two_editors_changing_different_switches_both_keep_theirs(write, read, shop):
    with read() as s:
        loaded = portal_settings.load(s)
    with write() as s:
        portal_settings.save(s, replace(loaded, portal_password_mix=True), loaded=loaded, actor=ANNA)
    with write() as s:  # Ben's page still shows the mix rule off; he only ticks a role
        portal_settings.save(s, replace(loaded, staff_mfa_roles=("owner",)), loaded=loaded, actor=BEN)
    with read() as s:
        assert portal_settings.load(s) == PortalSwitches(True, "", True, ("owner",))


def test_two_editors_changing_the_same_switch_the_second_is_refused(write, read, shop):
    with read() as s:
        loaded = portal_settings.load(s)
    with write() as s:
        portal_settings.save(s, replace(loaded, portal_off_url="https://a.example"), loaded=loaded, actor=ANNA)
    mine = replace(loaded, portal_off_url="https://b.example", portal_password_mix=True)
    with (
        write() as s,
        pytest.raises(PortalSettingsConflict, match=r"anna@example\.com saved the portal settings") as clash,
    ):
        portal_settings.save(s, mine, loaded=loaded, actor=BEN)
    assert clash.value.changed == ["portal_off_url"]
    with read() as s:
        theirs = portal_settings.load(s)
    assert theirs.portal_off_url == "https://a.example" and not theirs.portal_password_mix  # nothing of Ben's written
    assert portal_settings.rebase(loaded, mine, theirs) == mine


def test_saving_here_does_not_upset_an_open_shop_settings_editor(write, read, shop):
    with read() as s:
        form, version = shop_settings.load(s)
        loaded = portal_settings.load(s)
    with write() as s:
        portal_settings.save(s, replace(loaded, portal_enabled=False), loaded=loaded, actor=ANNA)
    with write() as s:  # the Shop page saved meanwhile still goes through
        changed = shop_settings.save_shop_settings(
            s, replace(form, name="Renamed Repairs"), expected_updated_at=version, actor=BEN, loaded=form
        )
    assert changed == ["name"]
    with read() as s:
        shop = s.get(ShopSettings, 1)
        assert shop.name == "Renamed Repairs" and shop.portal_enabled is False


def test_two_editors_making_the_same_change_is_no_conflict(write, read, shop):
    with read() as s:
        loaded = portal_settings.load(s)
    both = replace(loaded, portal_enabled=False)
    with write() as s:
        assert portal_settings.save(s, both, loaded=loaded, actor=ANNA) == ["portal_enabled"]
    with write() as s:
        assert portal_settings.save(s, both, loaded=loaded, actor=BEN) == []

"""Settings → Shop: validation, tax %, optimistic locking, audit, logo, and what the portal does with them."""

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from repair_portal.integrations.images import ImageRejected
from repair_portal.models import AuditEvent, Order, ShopSettings
from repair_portal.services import audit, branding, money, portal_access, portal_links, portal_view, shop_settings
from repair_portal.services.shop_settings import ShopForm, ShopSettingsConflict, ShopSettingsInvalid

from .. import factories

MANAGER = audit.Actor("staff", 7, "manager@example.com")
OTHER = audit.Actor("staff", 8, "owner@example.com")


def _png(size=(1200, 300), colour=(15, 118, 110, 255), fmt="PNG") -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", size, colour if fmt == "PNG" else colour[:3])
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def world(write):
    with write() as s:
        _, location = factories.shop(s)
        new = factories.order(s, location)
    return {"location_id": location.id, "order_id": new.order.id, "code": new.code}


def _load(read):
    with read() as s:
        return shop_settings.load(s)


def _shop_events(read):
    with read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == "settings.shop_changed")))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter the shop's name"),
        ({"name": "x" * 201}, "name", "under 200"),
        ({"welcome_message": "w" * 2001}, "welcome_message", "under 2000"),
        ({"accent_color": "teal"}, "accent_color", "#0f766e"),
        ({"accent_color": "#12345"}, "accent_color", "six hex digits"),
        ({"currency": "JPY"}, "currency", "listed currencies"),
        ({"currency": "XXX"}, "currency", "listed currencies"),
        ({"tax_rate": "17.555"}, "tax_rate", "at most two decimals"),
        ({"tax_rate": "100.5"}, "tax_rate", "between 0 and 100"),
        ({"tax_rate": "-5"}, "tax_rate", "percentage like 20"),
        ({"tax_label": "", "tax_rate": "20"}, "tax_label", "Name the tax"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "time zone"),
        ({"country": "XX"}, "country", "country from the list"),
        ({"country": "United Kingdom"}, "country", "country from the list"),
        ({"access_mode": "account"}, "access_mode", "how customers open"),
        ({"link_expiry_days": "0"}, "link_expiry_days", "1 to 3650"),
        ({"link_expiry_days": "3651"}, "link_expiry_days", "1 to 3650"),
        ({"link_expiry_days": "2.5"}, "link_expiry_days", "whole number"),
        ({"terms_text": "t" * 20001}, "terms_text", "under 20000"),
    ],
)
def test_each_field_gets_its_own_message(changes, field, message):
    errors = shop_settings.validate(replace(ShopForm(name="Fix It"), **changes))
    assert list(errors) == [field]
    assert message in errors[field]


def test_a_sensible_form_is_valid_and_no_tax_needs_no_label():
    assert shop_settings.validate(ShopForm(name="Fix It")) == {}
    assert shop_settings.validate(ShopForm(name="Fix It", tax_label="", tax_rate="0")) == {}
    assert shop_settings.validate(ShopForm(name="Fix It", accent_color=" 0F766E ", timezone="America/New_York")) == {}
    assert shop_settings.validate(ShopForm(name="Fix It", country=" us ")) == {}  # any region the library knows


@pytest.mark.parametrize(
    ("typed", "bp"),
    [
        ("20", 2000),
        ("17.5", 1750),
        ("17.50", 1750),
        ("8.25", 825),
        ("0", 0),
        ("100", 10000),
        ("5,5", 550),
        ("7 %", 700),
    ],
)
def test_tax_percent_becomes_basis_points_and_back(typed, bp):
    assert shop_settings.parse_rate_bp(typed) == bp
    assert shop_settings.parse_rate_bp(shop_settings.format_rate_input(bp)) == bp


@pytest.mark.parametrize("typed", ["", "abc", "-1", "100.01", "101", "1.234", ".5", "2 0"])
def test_bad_tax_rates_are_refused(typed):
    with pytest.raises(ValueError):
        shop_settings.parse_rate_bp(typed)


def test_every_offered_currency_formats_with_two_decimals():
    assert "JPY" not in shop_settings.CURRENCIES  # money is formatted in hundredths everywhere
    for code in shop_settings.CURRENCIES:
        text = money.format_money(123456, code)
        assert "1,234.56" in text
        assert text.startswith(money.CURRENCY_SYMBOLS[code]) if code in money.CURRENCY_SYMBOLS else text.endswith(code)


def test_only_modes_the_portal_enforces_are_offered():
    assert set(shop_settings.ACCESS_MODES) == {"link", "link_last_name"}


def test_save_stores_normalised_values_and_audits_the_changed_fields(world, write, read):
    form, version = _load(read)
    mine = replace(
        form,
        name="  Fix It Fast ",
        accent_color="#1D4ED8",
        tax_rate="17.5",
        currency="eur",
        welcome_message="Hello!",
        show_payments=False,
    )
    with write() as s:
        changed = shop_settings.save_shop_settings(s, mine, expected_updated_at=version, actor=MANAGER, loaded=form)
    assert set(changed) == {"name", "accent_color", "tax_rate", "currency", "welcome_message", "show_payments"}
    with read() as s:
        shop = s.get(ShopSettings, 1)
        assert (shop.name, shop.accent_color, shop.tax_rate_bp, shop.currency) == (
            "Fix It Fast",
            "#1d4ed8",
            1750,
            "EUR",
        )
        assert shop.welcome_message == "Hello!" and shop.show_payments is False
        assert shop.updated_at > version
    (event,) = _shop_events(read)
    assert event.actor_id == MANAGER.id and '"show_payments"' in event.detail and '"tax_rate"' in event.detail


def test_saving_nothing_new_writes_nothing(world, write, read):
    form, version = _load(read)
    with write() as s:
        assert shop_settings.save_shop_settings(s, form, expected_updated_at=version, actor=MANAGER) == []
    assert _load(read)[1] == version and _shop_events(read) == []


def test_invalid_save_raises_field_errors_and_stores_nothing(world, write, read):
    form, version = _load(read)
    with write() as s, pytest.raises(ShopSettingsInvalid) as caught:
        shop_settings.save_shop_settings(
            s, replace(form, name="", tax_rate="250"), expected_updated_at=version, actor=MANAGER
        )
    assert set(caught.value.errors) == {"name", "tax_rate"}
    with read() as s:
        assert s.get(ShopSettings, 1).name == "Test Repairs"


def test_a_stale_save_is_refused_names_their_fields_and_keeps_their_save(world, write, read, clock):
    loaded, version = _load(read)
    theirs = replace(loaded, welcome_message="From the owner", show_photos=False)
    mine = replace(loaded, tax_rate="5")
    with write() as s:
        shop_settings.save_shop_settings(s, theirs, expected_updated_at=version, actor=OTHER, loaded=loaded)
    # Same clock tick: the version still moved on.
    with write() as s, pytest.raises(ShopSettingsConflict) as caught:
        shop_settings.save_shop_settings(s, mine, expected_updated_at=version, actor=MANAGER, loaded=loaded)
    assert caught.value.changed == ["welcome_message", "show_photos"]
    assert "welcome message, photos" in str(caught.value) and "not saved" in str(caught.value)
    with read() as s:
        shop = s.get(ShopSettings, 1)
        assert shop.welcome_message == "From the owner" and shop.show_photos is False and shop.tax_rate_bp == 2000
    assert len(_shop_events(read)) == 1

    # The editor's form is rebased onto theirs; saving again keeps both changes.
    latest, latest_version = _load(read)
    rebased = shop_settings.rebase(loaded, mine, latest)
    assert rebased.welcome_message == "From the owner" and rebased.tax_rate == "5"
    with write() as s:
        assert shop_settings.save_shop_settings(
            s, rebased, expected_updated_at=latest_version, actor=MANAGER, loaded=latest
        ) == ["tax_rate"]
    with read() as s:
        shop = s.get(ShopSettings, 1)
        assert (shop.tax_rate_bp, shop.welcome_message, shop.show_photos) == (500, "From the owner", False)


def test_logo_fake_and_oversized_files_are_refused(world, write, read, settings):
    with write() as s, pytest.raises(ImageRejected, match=r"not a readable image|not a JPEG"):
        branding.set_logo(s, settings.uploads_dir, b"\x89PNG\r\n\x1a\n" + b"not really", MANAGER)
    with write() as s, pytest.raises(ImageRejected, match="larger than 5 MB"):
        branding.set_logo(s, settings.uploads_dir, b"\0" * (branding.MAX_LOGO_BYTES + 1), MANAGER)
    with read() as s:
        assert s.get(ShopSettings, 1).logo_path is None
    assert not settings.uploads_dir.exists() or not list(settings.uploads_dir.iterdir())


def test_a_real_logo_is_re_encoded_as_png_then_removed(world, write, read, settings):
    upload = _png(fmt="JPEG")
    with write() as s:
        stored = branding.set_logo(s, settings.uploads_dir, upload, MANAGER)
    saved = (settings.uploads_dir / stored).read_bytes()
    assert saved != upload
    with Image.open(io.BytesIO(saved)) as image:
        assert image.format == "PNG" and image.size == (600, 150)
    with read() as s:
        assert branding.logo_for(s, world["location_id"]) == stored  # the location inherits the shop's logo
    with write() as s:
        assert branding.remove_logo(s, MANAGER) is True
    with write() as s:
        assert branding.remove_logo(s, MANAGER) is False
    with read() as s:
        assert s.get(ShopSettings, 1).logo_path is None and branding.logo_for(s, None) is None
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("settings.logo%")))]
    assert actions == ["settings.logo_changed", "settings.logo_removed"]


def test_saved_settings_drive_the_portal(world, write, read, clock):
    loaded, version = _load(read)
    mine = replace(
        loaded,
        welcome_message="Welcome to Fix It",
        accent_color="#7c3aed",
        show_payments=False,
        show_messages=False,
        access_mode="link",
        link_expiry_days="2",
        currency="CHF",
    )
    with write() as s:
        shop_settings.save_shop_settings(s, mine, expected_updated_at=version, actor=MANAGER, loaded=loaded)
    with read() as s:
        view = portal_view.portal_view(s, world["order_id"])
        order = s.get(Order, world["order_id"])
        assert portal_access.can_view(s, order, None)  # link-only: no last-name check
    assert view.welcome == "Welcome to Fix It" and view.accent == "#7c3aed"
    assert view.show_payments is False and view.show_messages is False
    assert view.total.endswith("CHF")
    with write() as s:
        order = s.get(Order, world["order_id"])
        order.collected_at = clock.now() - timedelta(days=3)
        s.add(order)
    with read() as s:
        assert portal_links.resolve(s, world["code"]).status == portal_links.LinkStatus.EXPIRED


def test_the_intake_checklist_is_saved_one_item_per_line_and_used_at_intake(world, write, read):
    from repair_portal.services import intake

    form, version = _load(read)
    mine = replace(form, intake_checklist="  Powers on \n\nFace ID works\n  Screen cracked")
    with write() as s:
        changed = shop_settings.save_shop_settings(s, mine, expected_updated_at=version, actor=MANAGER, loaded=form)
    assert changed == ["intake_checklist"]
    with read() as s:
        shop = s.get(ShopSettings, 1)
        assert shop.intake_checklist == "Powers on\nFace ID works\nScreen cracked"
        assert intake.checklist(shop) == ["Powers on", "Face ID works", "Screen cracked"]
    too_long = shop_settings.validate(replace(ShopForm(name="Fix It"), intake_checklist="x" * 2001))
    assert "under 2000" in too_long["intake_checklist"]

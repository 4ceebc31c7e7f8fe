"""The lookup widget's allowed websites (they end up in a security header), its snippets, and the
portal's off-switch policy."""

from dataclasses import replace

import pytest

from repair_portal.models import ShopSettings
from repair_portal.services import audit, lookup_widget, portal_policy, shop_settings

from .. import factories


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://www.myshop.co.uk", "https://www.myshop.co.uk"),
        ("  HTTPS://WWW.MyShop.co.uk/ ", "https://www.myshop.co.uk"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("https://intranet", "https://intranet"),
        ("https://shop.example/page", None),
        ("https://shop.example?x=1", None),
        ("https://shop.example;script-src *", None),
        ("https://shop.example 'unsafe-inline'", None),
        ("https://*.shop.example", None),
        ("*", None),
        ("'self'", None),
        ("ftp://shop.example", None),
        ("javascript:alert(1)", None),
        ("https://user@shop.example", None),
        ("https://shop.example:99999", None),
        ("http://10.0.0.300", None),
        ("http://localhost:١٢٣", None),  # non-ASCII digits
        ("https://shöp.example", None),  # type the punycode form (xn--...)
    ],
)
def test_only_plain_origins_are_accepted(typed, origin):
    assert lookup_widget.normalise_origin(typed) == origin


def test_the_list_drops_blanks_and_duplicates_and_names_the_first_bad_line():
    origins, bad = lookup_widget.parse_origins("https://a.example\n\nhttps://A.example/\nnot a site\nhttps://b.example")
    assert origins == ["https://a.example", "https://b.example"] and bad == ["not a site"]
    assert "“not a site” isn't a website address" in lookup_widget.validate_origins("not a site")
    assert lookup_widget.validate_origins("https://a.example\nhttps://b.example") == ""
    many = "\n".join(f"https://s{i}.example" for i in range(lookup_widget.MAX_ORIGINS + 1))
    assert "at most" in lookup_widget.validate_origins(many)


def test_the_header_names_only_valid_origins_even_from_a_hand_edited_database():
    stored = "https://shop.example\nhttps://evil.example; script-src *\n'unsafe-inline'\nhttp://127.0.0.1:9000"
    assert lookup_widget.frame_ancestors(stored) == "frame-ancestors 'self' https://shop.example http://127.0.0.1:9000"
    assert lookup_widget.frame_ancestors("") == "frame-ancestors 'self'"


def test_the_snippets_point_at_this_installation_and_label_their_fields():
    iframe = lookup_widget.iframe_snippet("https://track.myshop.co.uk/")
    assert iframe.startswith('<iframe src="https://track.myshop.co.uk/lookup?embed=1"') and 'title="' in iframe
    form = lookup_widget.form_snippet("https://track.myshop.co.uk")
    assert '<form action="https://track.myshop.co.uk/api/lookup" method="post">' in form
    assert 'name="reference"' in form and 'name="last_name"' in form
    assert '<label for="repair-reference">' in form and 'id="repair-reference"' in form
    assert '<label for="repair-last-name">' in form and 'id="repair-last-name"' in form
    assert '"><script>' not in lookup_widget.iframe_snippet('https://x.example/"><script>')


def test_settings_save_the_allowed_websites_normalised_and_refuse_a_bad_one(write, read):
    with write() as s:
        factories.shop(s)
    with read() as s:
        form, version = shop_settings.load(s)
    bad = replace(form, lookup_frame_origins="https://shop.example/widget")
    with pytest.raises(shop_settings.ShopSettingsInvalid) as refused, write() as s:
        shop_settings.save_shop_settings(s, bad, expected_updated_at=version, actor=audit.SYSTEM)
    assert "lookup_frame_origins" in refused.value.errors
    good = replace(form, lookup_frame_origins="HTTPS://Shop.Example/\n\nhttps://shop.example\nhttp://localhost:8080")
    with write() as s:
        changed = shop_settings.save_shop_settings(s, good, expected_updated_at=version, actor=audit.SYSTEM)
    assert changed == ["lookup_frame_origins"]
    with read() as s:
        assert s.get(ShopSettings, 1).lookup_frame_origins == "https://shop.example\nhttp://localhost:8080"
        assert shop_settings.load(s)[0].lookup_frame_origins == "https://shop.example\nhttp://localhost:8080"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("https://www.myshop.co.uk/closed", "https://www.myshop.co.uk/closed"),
        ("http://myshop.example", "http://myshop.example"),
        ("  https://myshop.example/x?y=1#z ", "https://myshop.example/x?y=1#z"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("//evil.example", ""),
        ("/staff/login", ""),
        ("https://", ""),
        ("https://user:pw@evil.example", ""),
        ("https://my shop.example", ""),
        ('https://x.example/"onload=', ""),
        ("https://x.example:70000", ""),
        ("data:text/html,hi", ""),
        ("https://x.example/" + "a" * 600, ""),
    ],
)
def test_the_off_switch_only_redirects_to_plain_web_addresses(raw, safe):
    assert portal_policy.safe_off_url(raw) == safe


def test_the_portal_is_on_until_the_shop_switches_it_off(write, read):
    with read() as s:
        assert portal_policy.portal_off(s) is None  # before set-up: on
    with write() as s:
        shop, _ = factories.shop(s)
    with read() as s:
        assert portal_policy.portal_off(s) is None
    with write() as s:
        shop = s.get(ShopSettings, 1)
        shop.portal_enabled, shop.portal_off_url = False, "javascript:alert(1)"
        s.add(shop)
    with read() as s:
        assert portal_policy.portal_off(s) == portal_policy.PortalOff("")  # "call us", never the bad address
    with write() as s:
        s.get(ShopSettings, 1).portal_off_url = "https://myshop.example/online-tracking"
    with read() as s:
        assert portal_policy.portal_off(s).url == "https://myshop.example/online-tracking"

"""Settings → Texts: Twilio credentials (environment over page, token kept encrypted and never shown whole),
quiet hours, and each text's wording with its preview."""

import json
from dataclasses import replace

import pytest
from sqlmodel import select

from repair_portal.integrations import vault
from repair_portal.models import AuditEvent, ShopSettings, SmsTemplateText
from repair_portal.services import audit, sms_settings, sms_templates, text_settings
from repair_portal.services.mail import LinkSettings
from repair_portal.services.text_settings import TextOptions

from .. import factories

OWNER = audit.Actor("staff", 1, "owner@example.com")
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "f" * 28 + "9e8d"
TOKEN_2 = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SERVICE = "MG" + "fedcba9876543210" * 2
ENV_SID, ENV_TOKEN, ENV_FROM = "AC" + "1" * 32, "e" * 28 + "7777", "+15005550006"
LINKS = LinkSettings("http://shop.test", "k" * 40)


@pytest.fixture
def shop(write):
    with write() as s:
        factories.shop(s)


def _save(write, settings, loaded=None, **form):
    with write() as s:
        return text_settings.save(s, settings, form, OWNER, loaded=loaded)


def _view(read, settings):
    with read() as s:
        return text_settings.settings_view(s, settings)


def _row(read) -> ShopSettings:
    with read() as s:
        return s.get(ShopSettings, 1)


def _events(read, action=text_settings.AUDIT_ACTION) -> list[AuditEvent]:
    with read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def _connect(write, settings, **extra):
    form = {"account_sid": SID, "auth_token": TOKEN, "sender": "07400 900123", "quiet_start": "20:00"}
    return _save(write, settings, **{**form, "quiet_end": "08:00", **extra})


# --- the connection -----------------------------------------------------------------------------


def test_without_credentials_texts_stay_in_the_outbox_and_the_page_says_what_is_missing(shop, read, settings):
    view = _view(read, settings)
    assert (view.connected, view.tone) == (False, "amber")
    assert view.status == "Texts stay in the SMS outbox: connect Twilio below"
    assert view.missing == ("Account SID", "Auth token", "From number")
    assert (view.token_masked, view.token_source, view.has_saved_credentials) == ("", "", False)
    assert view.inbound_url == "http://shop.test/api/twilio/inbound"
    assert view.status_url == "http://shop.test/api/twilio/status"
    assert (view.options.quiet_start, view.options.quiet_end) == ("20:00", "08:00")


def test_saved_credentials_are_cleaned_encrypted_masked_and_never_audited(shop, write, read, settings):
    assert _connect(write, settings, account_sid="AC" + SID[2:].upper()) is None
    row = _row(read)
    assert (row.twilio_account_sid, row.twilio_from) == (SID, "+447400900123")  # hex lower-cased, number in E.164
    assert row.twilio_auth_token_enc and TOKEN not in row.twilio_auth_token_enc
    view = _view(read, settings)
    assert view.status == "Texts go through Twilio (from the settings)" and view.tone == "green"
    assert view.token_masked == "…9e8d" and view.token_source == "settings" and view.missing == ()
    with read() as s:
        assert sms_settings.credentials(s, settings).auth_token == TOKEN  # the sender reads it back
    (event,) = _events(read)
    assert TOKEN not in event.detail and TOKEN[-4:] not in event.detail
    detail = json.loads(event.detail)
    assert detail["auth_token"] == "added" and set(detail["fields"]) == {"account_sid", "sender"}


def test_an_empty_token_field_keeps_the_stored_token(shop, write, read, settings):
    _connect(write, settings)
    stored = _row(read).twilio_auth_token_enc
    assert _save(write, settings, account_sid=SID, auth_token="", sender=SERVICE, quiet_start="", quiet_end="") is None
    row = _row(read)
    assert row.twilio_auth_token_enc == stored and row.twilio_from == SERVICE
    assert (row.quiet_hours_start, row.quiet_hours_end) == ("", "")  # no quiet hours
    assert _view(read, settings).token_masked == "…9e8d"
    _save(write, settings, account_sid=SID, auth_token=TOKEN_2, sender=SERVICE)
    assert _view(read, settings).token_masked == "…e8f9"
    assert json.loads(_events(read)[-1].detail)["auth_token"] == "replaced"


def test_the_environment_wins_field_by_field(shop, write, read, settings):
    _connect(write, settings)
    env = replace(settings, twilio_account_sid=ENV_SID, twilio_auth_token=ENV_TOKEN, twilio_from=ENV_FROM)
    view = _view(read, env)
    assert view.status == "Texts go through Twilio (from the environment)"
    assert (view.token_masked, view.token_source) == ("…7777", "environment")
    assert view.options.account_sid == SID  # the page still shows (and edits) what is saved here
    assert view.env_notes == {
        "account_sid": "The server's TWILIO_ACCOUNT_SID (AC…1111) wins over this.",
        "sender": "The server's TWILIO_FROM (+15005550006) wins over this.",
    }
    with read() as s:
        found = sms_settings.credentials(s, env)
    assert (found.account_sid, found.auth_token, found.sender) == (ENV_SID, ENV_TOKEN, ENV_FROM)
    only_token = replace(settings, twilio_auth_token=ENV_TOKEN)
    assert _view(read, only_token).status == "Texts go through Twilio (from the environment and the settings)"


def test_the_masked_token_never_shows_the_whole_token(shop, write, read, settings):
    _connect(write, settings)
    view = _view(read, settings)
    shown = view.token_masked.replace("…", "")
    assert len(shown) <= 4 and TOKEN.endswith(shown) and TOKEN not in repr(view)


def test_a_token_stored_with_another_installation_key_says_so(shop, write, read, settings, tmp_path):
    _connect(write, settings)
    other = replace(settings, data_dir=tmp_path / "elsewhere")
    vault.create_key(other.data_dir)  # another installation's key
    view = _view(read, other)
    assert view.token_source == "unreadable" and not view.connected and view.missing == ("Auth token",)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"account_sid": "AC123"}, "account_sid", "AC followed by 32"),
        ({"account_sid": SERVICE}, "account_sid", "Messaging Service SID: it goes in the From"),
        ({"sender": "call us"}, "sender", "Twilio number"),
        ({"sender": "0770"}, "sender", "too short"),
        ({"sender": "MG123"}, "sender", "MG followed by 32"),
        ({"auth_token": "not-a-token"}, "auth_token", "32 characters"),
        ({"auth_token": SID}, "auth_token", "That's the Account SID"),
        ({"quiet_start": "8pm"}, "quiet_start", "like 20:00"),
        ({"quiet_end": "24:00"}, "quiet_end", "like 20:00"),
        ({"quiet_end": ""}, "quiet_end", "Set both times"),
        ({"quiet_start": ""}, "quiet_start", "Set both times"),
        ({"quiet_end": "20:00"}, "quiet_end", "must differ"),
        ({"remove_credentials": True}, "remove_credentials", "not both"),
    ],
)
def test_each_field_gets_its_message_and_nothing_is_written(shop, write, read, settings, changes, field, message):
    before = _row(read).model_dump()
    errors = _connect(write, settings, **changes)
    assert field in errors and message in errors[field]
    assert _row(read).model_dump() == before and _events(read) == []


def test_removing_the_stored_credentials_clears_all_three(shop, write, read, settings):
    _connect(write, settings)
    loaded = _view(read, settings).options
    form = {**vars(loaded), "auth_token": "", "remove_credentials": "on"}
    assert _save(write, settings, loaded=loaded, **form) is None
    row = _row(read)
    assert (row.twilio_account_sid, row.twilio_auth_token_enc, row.twilio_from) == ("", "", "")
    assert (row.quiet_hours_start, row.quiet_hours_end) == ("20:00", "08:00")  # not a credential
    assert json.loads(_events(read)[-1].detail)["auth_token"] == "removed"
    assert not _view(read, settings).has_saved_credentials


def test_a_stale_save_is_refused_and_rebased(shop, write, read, settings):
    loaded = _view(read, settings).options
    assert _save(write, settings, loaded=loaded, **{**vars(loaded), "quiet_start": "21:00"}) is None
    mine = replace(loaded, quiet_start="19:00", sender="07400 900123")
    errors = _save(write, settings, loaded=loaded, **vars(mine))
    assert "quiet hours start" in errors["conflict"] and "From number" not in errors["conflict"]
    assert _row(read).quiet_hours_start == "21:00" and _row(read).twilio_from == ""
    theirs = _view(read, settings).options
    assert text_settings.rebase(loaded, mine, theirs) == replace(theirs, quiet_start="19:00", sender="07400 900123")
    # a field someone else didn't touch saves without a clash
    assert (
        _save(write, settings, loaded=loaded, **vars(replace(loaded, quiet_start="21:00", quiet_end="07:00"))) is None
    )


def test_options_from_the_browser_are_trimmed_and_clipped():
    options = TextOptions.from_form({"account_sid": "  " + "A" * 200, "sender": None, "quiet_start": 2000})
    assert options == TextOptions("A" * 80, "", "2000", "")


# --- the wording ----------------------------------------------------------------------------------


def test_the_preview_fills_sample_values_and_counts_a_realistic_link(shop, read):
    with read() as s:
        text, length = text_settings.preview(s, LINKS, "order_booked", sms_templates.SPECS["order_booked"].body)
    link = "http://shop.test/track/" + text_settings.SAMPLE_CODE
    assert text == f"Test Repairs: we've booked in your iPhone 13 (R-10042). Follow it here: {link}"
    assert len(text_settings.SAMPLE_CODE) == 27  # as long as a real tracking code
    assert (length.encoding, length.units, length.segments) == ("GSM-7", len(text), 1)
    assert length.summary == f"{len(text)} characters · 1 text · GSM-7"
    with read() as s:
        quote, _ = text_settings.preview(s, LINKS, "quote_ready", "{link}")
        paid, _ = text_settings.preview(s, LINKS, "payment_received", "{first_name}: {amount} {stage} {message}")
    assert quote == link + "?tab=quote"
    assert paid == "Sam: £54.00 Repair in progress Thanks, it's ready"


def test_the_preview_counts_parts_and_unicode(shop, read):
    with read() as s:
        values = text_settings.sample_values(s, LINKS)
    _, length = text_settings.render_preview(values, "order_booked", "x" * 161)
    assert (length.segments, length.per_segment) == (2, 153) and length.summary == "161 characters · 2 texts · GSM-7"
    curly, length = text_settings.render_preview(values, "stage_changed", "“{stage}” 👍")
    assert curly == "“Repair in progress” 👍" and (length.encoding, length.units) == ("UCS-2", 23)
    assert text_settings.ucs2_characters(curly) == "“ ” 👍"
    capped, _ = text_settings.render_preview(values, "order_booked", "y" * 5000)
    assert len(capped) == text_settings.MAX_DRAFT


def test_drafts_say_what_a_save_would_refuse():
    assert text_settings.draft_problem("Hi {first_name}") == ""
    assert text_settings.draft_problem("Hi {name} {nope}") == "Unknown placeholder: {name}, {nope}"
    assert text_settings.draft_problem("   ") == "A text can't be empty."
    assert "under 480" in text_settings.draft_problem("z" * 481)


def test_a_template_is_saved_reset_and_an_unknown_placeholder_refused(shop, write, read):
    with write() as s:
        text_settings.save_template(s, "ready_for_collection", "{shop_name}: ready,\n  {first_name}! {link}", OWNER)
    with read() as s:
        assert sms_templates.body_of(s, "ready_for_collection") == "{shop_name}: ready, {first_name}! {link}"
        view = {t.key: t for t in text_settings.template_views(s)}["ready_for_collection"]
    assert view.custom and view.default == sms_templates.SPECS["ready_for_collection"].body
    assert [json.loads(e.detail) for e in _events(read, text_settings.TEMPLATE_SAVED)] == [
        {"template": "ready_for_collection"}
    ]

    with pytest.raises(sms_templates.TemplateError, match=r"Unknown placeholder: \{customer\}"), write() as s:
        text_settings.save_template(s, "ready_for_collection", "Hi {customer}", OWNER)
    with pytest.raises(sms_templates.TemplateError, match="Unknown text"), write() as s:
        text_settings.save_template(s, "not_a_text", "Hi", OWNER)
    with read() as s:
        assert sms_templates.body_of(s, "ready_for_collection") == "{shop_name}: ready, {first_name}! {link}"

    with write() as s:
        assert text_settings.reset_template(s, "ready_for_collection", OWNER) is True
    with write() as s:
        assert text_settings.reset_template(s, "ready_for_collection", OWNER) is False  # already the default
    with read() as s:
        assert s.get(SmsTemplateText, "ready_for_collection") is None
        assert sms_templates.body_of(s, "ready_for_collection") == sms_templates.SPECS["ready_for_collection"].body
    assert len(_events(read, text_settings.TEMPLATE_RESET)) == 1

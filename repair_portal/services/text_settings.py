"""Settings → Texts (owners and managers): the Twilio connection, quiet hours and each text's wording.

Credentials follow services/sms_settings.py: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / TWILIO_FROM in the
environment win over the page's, field by field; the auth token typed on the page is kept encrypted with
the installation's vault key (integrations/vault.py) and shown back masked only (never whole, never in an
audit record). An empty token field keeps the stored token. Like Settings → Payments, a save writes only
the fields this editor changed and is refused when someone else changed the same field meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace

from sqlmodel import Session, select

from .. import routes
from ..integrations import vault
from ..models import AuditEvent, ShopSettings, SmsTemplateText
from ..settings import Settings
from . import audit, edits, locking, phones, sms_settings, sms_templates
from .mail import LinkSettings
from .money import format_money
from .payment_keys import decrypt, masked
from .sms_text import GSM_BASIC, GSM_EXTENDED, Length, measure

AUDIT_ACTION = "settings.texts_changed"
TEMPLATE_SAVED, TEMPLATE_RESET = "settings.text_template_changed", "settings.text_template_reset"
LABELS = {
    "account_sid": "Account SID",
    "auth_token": "Auth token",
    "sender": "From number",
    "quiet_start": "quiet hours start",
    "quiet_end": "quiet hours end",
}
TOKEN_INPUT = "auth_token"  # noqa: S105  (the name of the page's password field, not a token)
ENV_NAMES = {"account_sid": "TWILIO_ACCOUNT_SID", "auth_token": "TWILIO_AUTH_TOKEN", "sender": "TWILIO_FROM"}
MAX_DRAFT = 1000  # what the page keeps of a text being typed (a saved text is shorter: sms_templates.MAX_BODY)
# A tracking code is 27 characters (services/tokens.py): the sample link is as long as a real one.
SAMPLE_CODE = "EXAMPLEa1b2C3d4E5f6G7h8J9k0"
_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_SERVICE = re.compile(r"MG[0-9a-fA-F]{32}")
_TOKEN = re.compile(r"[0-9a-fA-F]{32}")
_HHMM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_GSM = frozenset(GSM_BASIC + GSM_EXTENDED)


@dataclass(frozen=True)
class TextOptions:
    """The page's plain fields as saved on this page (the environment's values are not among them)."""

    account_sid: str = ""
    sender: str = ""  # E.164 number or a Messaging Service SID
    quiet_start: str = ""  # "HH:MM"; both empty: no quiet hours
    quiet_end: str = ""

    @classmethod
    def of(cls, shop: ShopSettings) -> TextOptions:
        return cls(
            shop.twilio_account_sid or "",
            shop.twilio_from or "",
            shop.quiet_hours_start or "",
            shop.quiet_hours_end or "",
        )

    @classmethod
    def from_form(cls, form: dict) -> TextOptions:
        return cls(**{f.name: str(form.get(f.name) or "").strip()[:80] for f in fields(cls)})


@dataclass(frozen=True)
class TemplateView:
    key: str
    label: str
    body: str  # the shop's wording, else the default
    default: str
    custom: bool  # the shop saved its own wording


@dataclass(frozen=True)
class TextSettingsView:
    options: TextOptions
    connected: bool  # texts go through Twilio (else the SMS outbox)
    status: str
    tone: str  # "green" | "amber"
    missing: tuple[str, ...]  # what Twilio still needs ("Auth token")
    token_masked: str  # "…1f2e", never more
    token_source: str  # environment | settings | unreadable | ""
    env_notes: dict[str, str]  # field -> "The server's TWILIO_FROM (…) wins over this."
    has_saved_credentials: bool
    inbound_url: str
    status_url: str
    templates: tuple[TemplateView, ...]


# --- the page ----------------------------------------------------------------------------------


def _token(shop: ShopSettings, settings: Settings) -> tuple[str, str]:
    """(the auth token in use, where it came from)."""
    if settings.twilio_auth_token:
        return settings.twilio_auth_token, "environment"
    if not shop.twilio_auth_token_enc:
        return "", ""
    value = decrypt(settings, shop.twilio_auth_token_enc)
    return (value, "settings") if value else ("", "unreadable")


def _env_notes(settings: Settings) -> dict[str, str]:
    shown = {
        "account_sid": (settings.twilio_account_sid or "")[:2] + "…" + (settings.twilio_account_sid or "")[-4:],
        "sender": settings.twilio_from or "",
    }
    return {
        name: f"The server's {ENV_NAMES[name]} ({shown[name]}) wins over this."
        for name, value in (("account_sid", settings.twilio_account_sid), ("sender", settings.twilio_from))
        if value
    }


def template_views(session: Session) -> tuple[TemplateView, ...]:
    custom = {row.key: row.body for row in session.exec(select(SmsTemplateText))}
    return tuple(
        TemplateView(spec.key, spec.label, custom.get(spec.key, spec.body), spec.body, spec.key in custom)
        for spec in sms_templates.SPECS.values()
    )


def settings_view(session: Session, settings: Settings) -> TextSettingsView:
    shop = ShopSettings.current(session)
    found = sms_settings.credentials(session, settings)
    token, token_source = _token(shop, settings)
    have = {
        "account_sid": bool(settings.twilio_account_sid or shop.twilio_account_sid),
        "auth_token": bool(token),
        "sender": bool(settings.twilio_from or shop.twilio_from),
    }
    if found is not None:
        where = {
            "environment": "the environment",
            "settings": "the settings",
            "mixed": "the environment and the settings",
        }
        status, tone = f"Texts go through Twilio (from {where[found.source]})", "green"
    else:
        status, tone = "Texts stay in the SMS outbox: connect Twilio below", "amber"
    return TextSettingsView(
        options=TextOptions.of(shop),
        connected=found is not None,
        status=status,
        tone=tone,
        missing=() if found else tuple(LABELS[name] for name, ok in have.items() if not ok),
        token_masked=masked(token),
        token_source=token_source,
        env_notes=_env_notes(settings),
        has_saved_credentials=bool(shop.twilio_account_sid or shop.twilio_auth_token_enc or shop.twilio_from),
        inbound_url=sms_settings.inbound_url(settings),
        status_url=sms_settings.status_url(settings),
        templates=template_views(session),
    )


# --- saving the connection and quiet hours ----------------------------------------------------


def _flag(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("on", "true", "yes"))


def _sender(text: str, region: str) -> tuple[str, str]:
    """(the sender as stored, a problem): an E.164 number read in the shop's country, or MG + 32 hex."""
    if text[:2].upper() == "MG":
        if _SERVICE.fullmatch(text):
            return "MG" + text[2:].lower(), ""
        return text, "A Messaging Service SID is MG followed by 32 characters (0–9, a–f)."
    if re.search(r"[A-Za-z]", text):
        return text, "Enter your Twilio number, like +44 7700 900123, or a Messaging Service SID (MG…)."
    problem = phones.problem(text, region)
    return (phones.to_e164(text, region), "") if not problem else (text, problem)


def _clean(options: TextOptions, token: str, remove: bool, region: str) -> tuple[TextOptions, dict[str, str]]:
    """The options as stored, and field -> message for what can't be."""
    errors: dict[str, str] = {}
    sid, sender = options.account_sid, options.sender
    if sid[:2].upper() == "MG":
        errors["account_sid"] = "That's a Messaging Service SID: it goes in the From field."
    elif sid and not _SID.fullmatch(sid):
        errors["account_sid"] = "An Account SID is AC followed by 32 characters (0–9, a–f): copy it from Twilio."
    elif sid:
        sid = "AC" + sid[2:].lower()
    if sender:
        sender, problem = _sender(sender, region)
        if problem:
            errors["sender"] = problem
    if token[:2].upper() == "AC":
        errors[TOKEN_INPUT] = "That's the Account SID: the auth token is the 32 characters shown under it."
    elif token and not _TOKEN.fullmatch(token):
        errors[TOKEN_INPUT] = "A Twilio auth token is 32 characters (0–9, a–f): copy it again from Twilio."
    if remove and token:
        errors["remove_credentials"] = "Either remove the stored credentials or enter a new token, not both."
    start, end = options.quiet_start, options.quiet_end
    for name, value in (("quiet_start", start), ("quiet_end", end)):
        if value and not _HHMM.fullmatch(value):
            errors[name] = "Use a time like 20:00."
    if bool(start) != bool(end):
        errors["quiet_end" if start else "quiet_start"] = "Set both times, or clear both for no quiet hours."
    elif start and start == end:
        errors["quiet_end"] = "The end must differ from the start (clear both for no quiet hours)."
    if remove:
        sid, sender = "", ""
    return replace(options, account_sid=sid, sender=sender), errors


def _last_editor(session: Session) -> str:
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).first()
    return edits.editor_name(session, event)


class TextSettingsConflict(edits.EditConflict):
    def __init__(self, changed: list[str], by: str):
        super().__init__("the text settings", changed, by, LABELS)


def save(
    session: Session, settings: Settings, form: dict, actor: audit.Actor, *, loaded: TextOptions | None = None
) -> dict[str, str] | None:
    """Store the page's form; None when saved (or nothing changed), else field -> message and nothing written.

    `form`: TextOptions' names, `auth_token` (empty: keep the stored one) and `remove_credentials`
    (clears the SID, token and sender saved here). With `loaded` (what the page showed), a clash with
    someone else's save answers {"conflict": message}. Run it in `write_session`."""
    token = str(form.get(TOKEN_INPUT) or "").strip()[:200]
    remove = _flag(form.get("remove_credentials"))
    mine, errors = _clean(TextOptions.from_form(form), token, remove, phones.shop_region(session))
    if errors:
        return errors
    shop = locking.row(session, ShopSettings, 1) or ShopSettings.current(session)  # compared and written under one lock
    current, wanted = asdict(TextOptions.of(shop)), asdict(mine)
    before = asdict(loaded) if loaded is not None else current
    # Mine: what differs from what the page showed (and, when removing, whatever is still stored).
    changed = [name for name in wanted if wanted[name] != before[name] or (remove and wanted[name] != current[name])]
    clashes = [name for name in changed if current[name] != before[name] and current[name] != wanted[name]]
    if clashes:
        return {"conflict": str(TextSettingsConflict(clashes, _last_editor(session)))}
    changed = [name for name in changed if wanted[name] != current[name]]
    token_change = ""
    if token:
        token_change = "replaced" if shop.twilio_auth_token_enc else "added"
        shop.twilio_auth_token_enc = vault.encrypt(settings.passcode_key(), token)
    elif remove and shop.twilio_auth_token_enc:
        token_change, shop.twilio_auth_token_enc = "removed", ""
    if not changed and not token_change:
        return None
    columns = {"account_sid": "twilio_account_sid", "sender": "twilio_from"}
    columns |= {"quiet_start": "quiet_hours_start", "quiet_end": "quiet_hours_end"}
    for name in changed:
        setattr(shop, columns[name], wanted[name])
    session.add(shop)
    quiet = {n: [current[n], wanted[n]] for n in changed if n.startswith("quiet_")}  # times only: no credential
    audit.record(session, actor, AUDIT_ACTION, fields=changed, quiet_hours=quiet, auth_token=token_change)
    return None


def rebase(loaded: TextOptions, mine: TextOptions, theirs: TextOptions) -> TextOptions:
    """The latest saved options with this editor's own changes on top (after a conflict)."""
    mine_changed = [f.name for f in fields(TextOptions) if getattr(mine, f.name) != getattr(loaded, f.name)]
    return edits.rebase(theirs, mine, mine_changed)


# --- each text's wording ------------------------------------------------------------------------


def save_template(session: Session, key: str, body: str, actor: audit.Actor | None = None) -> SmsTemplateText:
    """The shop's wording for one text; raises sms_templates.TemplateError (unknown text or placeholder...)."""
    row = sms_templates.save_body(session, key, body)
    if actor is not None:
        audit.record(session, actor, TEMPLATE_SAVED, template=key)
    return row


def reset_template(session: Session, key: str, actor: audit.Actor | None = None) -> bool:
    """Back to the default wording; False when the text already had it."""
    if key not in sms_templates.SPECS:
        raise sms_templates.TemplateError("Unknown text.")
    row = session.get(SmsTemplateText, key)
    if row is None:
        return False
    session.delete(row)
    if actor is not None:
        audit.record(session, actor, TEMPLATE_RESET, template=key)
    return True


def sample_values(session: Session, links: LinkSettings) -> dict[str, str]:
    """What the preview fills in: the shop's name and a made-up order, with a link as long as a real one."""
    shop = ShopSettings.current(session)
    return {
        "shop_name": shop.name,
        "first_name": "Sam",
        "reference": "R-10042",
        "device": "iPhone 13",
        "stage": "Repair in progress",
        "link": links.public_url.rstrip("/") + routes.track(SAMPLE_CODE),
        "message": "Thanks, it's ready",
        "amount": format_money(5400, shop.currency),
    }


def render_preview(values: dict[str, str], key: str, body: str) -> tuple[str, Length]:
    """A draft filled with `values` (sample_values) as the text would go: the link opens the text's tab."""
    tab = sms_templates.SPECS[key].tab if key in sms_templates.SPECS else ""
    link = values.get("link", "")
    filled = sms_templates.fill(str(body or "")[:MAX_DRAFT], {**values, "link": f"{link}?tab={tab}" if tab else link})
    text = " ".join(filled.split())
    return text, measure(text)


def preview(session: Session, links: LinkSettings, key: str, body: str) -> tuple[str, Length]:
    return render_preview(sample_values(session, links), key, body)


def draft_problem(body: str) -> str:
    """What a save would refuse in a draft ('' when nothing), so the page can say it while typing."""
    text = " ".join(str(body or "").split())
    if not text:
        return "A text can't be empty."
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(sms_templates.PLACEHOLDERS))
    if unknown:
        return "Unknown placeholder: " + ", ".join("{" + name + "}" for name in unknown)
    if len(text) > sms_templates.MAX_BODY:
        return f"Keep it under {sms_templates.MAX_BODY} characters (three texts)."
    return ""


def ucs2_characters(text: str) -> str:
    """The characters that make a text UCS-2 (70 a part instead of 160), each once: '“ ”'."""
    return " ".join(dict.fromkeys(ch for ch in text if ch not in _GSM))

"""Phone numbers, read and shown the way people in the shop's country write them (the `phonenumbers` library).

Stored numbers are E.164 (`+447700900123`), so "07700 900123" and "+44 7700 900123" are the same
number. The shop's country (Settings → Shop) says how a number typed without a country code is
read, and which numbers are shown in national form ("07700 900123") rather than international
("+353 85 012 3456").
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import CountryCodeSource, NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

DEFAULT_REGION = "GB"

# Country names for the settings select and the messages ("a UK phone number"). Any other region the
# library knows is still accepted and listed by its ISO code.
COUNTRIES: dict[str, tuple[str, str]] = {
    "AE": ("United Arab Emirates", "a UAE"),
    "AR": ("Argentina", "an Argentine"),
    "AT": ("Austria", "an Austrian"),
    "AU": ("Australia", "an Australian"),
    "BE": ("Belgium", "a Belgian"),
    "BG": ("Bulgaria", "a Bulgarian"),
    "BR": ("Brazil", "a Brazilian"),
    "CA": ("Canada", "a Canadian"),
    "CH": ("Switzerland", "a Swiss"),
    "CL": ("Chile", "a Chilean"),
    "CN": ("China", "a Chinese"),
    "CO": ("Colombia", "a Colombian"),
    "CY": ("Cyprus", "a Cypriot"),
    "CZ": ("Czechia", "a Czech"),
    "DE": ("Germany", "a German"),
    "DK": ("Denmark", "a Danish"),
    "EE": ("Estonia", "an Estonian"),
    "EG": ("Egypt", "an Egyptian"),
    "ES": ("Spain", "a Spanish"),
    "FI": ("Finland", "a Finnish"),
    "FR": ("France", "a French"),
    "GB": ("United Kingdom", "a UK"),
    "GG": ("Guernsey", "a Guernsey"),
    "GH": ("Ghana", "a Ghanaian"),
    "GI": ("Gibraltar", "a Gibraltar"),
    "GR": ("Greece", "a Greek"),
    "HK": ("Hong Kong", "a Hong Kong"),
    "HR": ("Croatia", "a Croatian"),
    "HU": ("Hungary", "a Hungarian"),
    "IE": ("Ireland", "an Irish"),
    "IL": ("Israel", "an Israeli"),
    "IM": ("Isle of Man", "an Isle of Man"),
    "IN": ("India", "an Indian"),
    "IS": ("Iceland", "an Icelandic"),
    "IT": ("Italy", "an Italian"),
    "JE": ("Jersey", "a Jersey"),
    "JP": ("Japan", "a Japanese"),
    "KE": ("Kenya", "a Kenyan"),
    "KR": ("South Korea", "a South Korean"),
    "LT": ("Lithuania", "a Lithuanian"),
    "LU": ("Luxembourg", "a Luxembourg"),
    "LV": ("Latvia", "a Latvian"),
    "MT": ("Malta", "a Maltese"),
    "MX": ("Mexico", "a Mexican"),
    "MY": ("Malaysia", "a Malaysian"),
    "NG": ("Nigeria", "a Nigerian"),
    "NL": ("Netherlands", "a Dutch"),
    "NO": ("Norway", "a Norwegian"),
    "NZ": ("New Zealand", "a New Zealand"),
    "PH": ("Philippines", "a Philippine"),
    "PK": ("Pakistan", "a Pakistani"),
    "PL": ("Poland", "a Polish"),
    "PT": ("Portugal", "a Portuguese"),
    "RO": ("Romania", "a Romanian"),
    "SA": ("Saudi Arabia", "a Saudi"),
    "SE": ("Sweden", "a Swedish"),
    "SG": ("Singapore", "a Singapore"),
    "SI": ("Slovenia", "a Slovenian"),
    "SK": ("Slovakia", "a Slovak"),
    "TR": ("Türkiye", "a Turkish"),
    "UA": ("Ukraine", "a Ukrainian"),
    "US": ("United States", "a US"),
    "ZA": ("South Africa", "a South African"),
}
_TYPED = re.compile(r"[\d\s+().\-/]+")  # what people type into a phone field; letters are refused

TOO_SHORT = "That phone number looks too short."
TOO_LONG = "That phone number looks too long."
DIGITS_ONLY = "Use digits only (spaces, +, ( ) and - are fine)."


def is_region(code: str) -> bool:
    """A country the library can read numbers for (ISO 3166 alpha-2, upper case)."""
    return code in phonenumbers.SUPPORTED_REGIONS


def region_or_default(code: str | None) -> str:
    code = (code or "").strip().upper()
    return code if is_region(code) else DEFAULT_REGION


def region_name(code: str) -> str:
    """'GB' -> 'United Kingdom'; a region without a name here -> its code."""
    return COUNTRIES[code][0] if code in COUNTRIES else code


def _a_region_number(code: str) -> str:
    return COUNTRIES[code][1] if code in COUNTRIES else f"a {code}"


@lru_cache(maxsize=1)
def region_choices() -> tuple[tuple[str, str], ...]:
    """(code, label) for the settings select: named countries by name, then the rest by code."""
    named = sorted((c for c in COUNTRIES if is_region(c)), key=lambda c: COUNTRIES[c][0].casefold())
    others = sorted(c for c in phonenumbers.SUPPORTED_REGIONS if c not in COUNTRIES)
    return tuple((c, f"{region_name(c)} (+{phonenumbers.country_code_for_region(c)})") for c in named + others)


def named_region_count() -> int:
    """How many of `region_choices()` come first with a name (the select puts a divider after them)."""
    return sum(1 for c in COUNTRIES if is_region(c))


def shop_region(session) -> str:
    """The shop's country (Settings → Shop): how numbers typed without a country code are read."""
    from ..models import ShopSettings

    return region_or_default(ShopSettings.current(session).country)


def parse(raw: str, region: str) -> PhoneNumber | None:
    """The number as the library reads it, or None when it can't be read at all."""
    text = (raw or "").strip()
    if not text or not _TYPED.fullmatch(text):
        return None
    try:
        return phonenumbers.parse(text, region_or_default(region))
    except NumberParseException:
        return None


def to_e164(raw: str, region: str) -> str:
    """'07700 900123' (GB) -> '+447700900123'; '' stays ''. What can't be read comes back trimmed
    (validation reports it), so this never refuses: use `problem` to check a number first."""
    number = parse(raw, region)
    if number is None:
        return (raw or "").strip()
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def search_prefix(term: str, region: str) -> str | None:
    """The start of the stored (E.164) numbers a number typed into a search begins, whole or in part:
    '07700 900123' -> '+447700900123', '07700' -> '+447700'; None when the term can't be a number."""
    text = (term or "").strip()
    if not text or not _TYPED.fullmatch(text):
        return None
    region = region_or_default(region)
    try:
        number = phonenumbers.parse(text, region, keep_raw_input=True)
    except NumberParseException:
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if number.country_code_source != CountryCodeSource.FROM_DEFAULT_COUNTRY:
        return e164  # typed with + or an international prefix
    # The library keeps the trunk prefix of a number too short to be whole ("07700" -> +4407700): drop it.
    digits, trunk = re.sub(r"\D", "", text), phonenumbers.ndd_prefix_for_region(region, True) or ""
    code = str(number.country_code)
    if trunk and digits.startswith(trunk) and e164 == f"+{code}{digits}":
        return f"+{code}{digits[len(trunk) :]}"
    return e164


def problem(raw: str, region: str) -> str | None:
    """A message for the form when `raw` isn't a phone number of `region` (or, typed with +, of its
    own country); None when it is one, or empty."""
    text = (raw or "").strip()
    if not text:
        return None
    if not _TYPED.fullmatch(text):
        return DIGITS_ONLY
    region = region_or_default(region)
    try:
        number = phonenumbers.parse(text, region, keep_raw_input=True)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            return "Check the country code after the + (like +44 or +1)."
        if exc.error_type == NumberParseException.TOO_LONG:
            return TOO_LONG
        return TOO_SHORT  # too few digits to be a number (the characters were already checked)
    if phonenumbers.is_valid_number(number):
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        trunk = phonenumbers.ndd_prefix_for_region(region, True) or ""
        if trunk and re.sub(r"\D", "", text).startswith(trunk):  # "0770": dialled as a national number, cut short
            return TOO_SHORT
        return "Add the area code: that looks like a local number."
    if reason == ValidationResult.TOO_SHORT:
        return TOO_SHORT
    if reason == ValidationResult.TOO_LONG:
        return TOO_LONG
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return "Check the country code after the + (like +44 or +1)."
    message = _not_like(number, region)
    if number.country_code_source == CountryCodeSource.FROM_DEFAULT_COUNTRY:
        return f"{message}. For a number from abroad, start with + and the country code."
    return f"{message}. Check the number and its country code."


def _not_like(number: PhoneNumber, region: str) -> str:
    """'That doesn't look like a UK phone number', naming the country the number would be in."""
    home = number.country_code == phonenumbers.country_code_for_region(region)
    where = region if home else phonenumbers.region_code_for_country_code(number.country_code)
    return f"That doesn't look like {_a_region_number(where)} phone number"


def display(stored: str, region: str) -> str:
    """How staff and customers read a number: national form in the shop's country ('07700 900123'),
    international elsewhere ('+353 85 012 3456'). What can't be read is shown as stored."""
    number = parse(stored, region)
    if number is None:
        return (stored or "").strip()
    home = number.country_code == phonenumbers.country_code_for_region(region_or_default(region))
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL)


def tel_href(stored: str, region: str) -> str:
    """A `tel:` link that dials from anywhere ('tel:+442079460000'); '' when there is no number."""
    text = (stored or "").strip()
    if not text:
        return ""
    number = parse(text, region)
    if number is None:
        return "tel:" + "".join(ch for ch in text if ch.isdigit() or ch == "+")
    return "tel:" + phonenumbers.format_number(number, PhoneNumberFormat.E164)

"""Shop-wide settings and locations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from .base import UTCDateTime, utcnow


class AccessMode(StrEnum):
    LINK = "link"
    LINK_LAST_NAME = "link_last_name"
    ACCOUNT = "account"


DEFAULT_INTAKE_CHECKLIST = "Powers on\nScreen cracked\nTouch works\nCameras work\nCharges\nSigns of liquid damage"


DEFAULT_JOB_TYPES = "Repair\nService\nInstallation"
DEFAULT_ASSET_FIELDS = "asset_tag,kind,make,model,serial,customer_ref,description,site,warranty_until,tests,defects"


class ShopSettings(SQLModel, table=True):
    """A single row (id=1) holding the shop's portal configuration."""

    __tablename__ = "shop_settings"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    currency: str = Field(default="GBP", max_length=3)
    tax_label: str = Field(default="VAT", max_length=40)
    tax_rate_bp: int = Field(default=2000, description="tax rate in basis points: 2000 = 20%")
    accent_color: str = Field(default="#2563eb", max_length=9)
    logo_path: str | None = Field(default=None, max_length=300)
    welcome_message: str = Field(default="", max_length=2000)
    terms_text: str = Field(default="", max_length=20000)
    timezone: str = Field(default="Europe/London", max_length=64)
    # ISO 3166 alpha-2: how phone numbers typed without a country code are read, and which are shown nationally.
    country: str = Field(default="GB", max_length=2)
    access_mode: str = Field(default=AccessMode.LINK_LAST_NAME.value, max_length=20)
    link_expiry_days: int = Field(default=30)
    show_timeline_explanations: bool = True
    show_photos: bool = True
    show_documents: bool = True
    show_quote: bool = True
    show_payments: bool = True
    show_messages: bool = True
    # Off: the collection receipt is signed at the counter, never from home before the device is handed over.
    sign_collection_remotely: bool = False
    # Reminder emails after this many days (0: none): a sent quote unanswered, a ready device not collected.
    quote_reminder_days: int = 3
    collection_reminder_days: int = 5
    # The customer portal: off sends /track, /lookup and /portal to this address (or a "call us" page).
    portal_enabled: bool = True
    portal_off_url: str = Field(default="", max_length=500)
    # Portal passwords must mix upper, lower, digit and symbol (RepairShopr's rule), on top of the length rule.
    portal_password_mix: bool = False
    # Websites allowed to show the /lookup widget in an iframe, one origin per line (https://shop.example).
    lookup_frame_origins: str = Field(default="", max_length=2000)
    # Staff roles that must use TOTP, comma-separated ("owner,manager").
    staff_mfa_roles: str = Field(default="", max_length=100)
    # The pre-repair checklist staff tick at intake, one item per line (empty: no checklist).
    intake_checklist: str = Field(default=DEFAULT_INTAKE_CHECKLIST, max_length=2000)
    job_types: str = Field(default=DEFAULT_JOB_TYPES, max_length=1000, description="one per line")
    # Assets: what the shop calls an asset's ID, and which asset fields portal users see (comma-separated keys,
    # services/asset_fields.py).
    asset_label: str = Field(default="Asset ID", max_length=40)
    asset_customer_fields: str = Field(default=DEFAULT_ASSET_FIELDS, max_length=300)
    # Online payments (services/payment_settings.py). Keys typed on the settings page are kept encrypted
    # (integrations/vault.py); STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET in the environment win over them.
    online_payments_enabled: bool = False
    stripe_secret_key_enc: str = Field(default="", max_length=1000)
    stripe_webhook_secret_enc: str = Field(default="", max_length=1000)
    pay_orders_online: bool = True  # "Pay" on an order's page (by link or from the account)
    pay_invoices_online: bool = True  # several invoices at once in the account portal
    allow_part_payment: bool = False  # off: an order's full balance only
    deposit_rule: str = Field(default="none", max_length=10, description="none | percent | fixed")
    deposit_value: int = Field(default=0, description="percent in basis points, or a fixed amount in minor units")
    deposit_required: bool = False  # on: no "Skip" after approving; the deposit shows as due
    # Text messages (services/sms_settings.py). The auth token typed on the settings page is kept encrypted;
    # TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / TWILIO_FROM in the environment win over these.
    twilio_account_sid: str = Field(default="", max_length=64)
    twilio_auth_token_enc: str = Field(default="", max_length=1000)
    twilio_from: str = Field(default="", max_length=64, description="E.164 number or a Messaging Service SID")
    # Automated texts wait outside these hours (in the location's time zone); "" = no quiet hours.
    quiet_hours_start: str = Field(default="20:00", max_length=5)
    quiet_hours_end: str = Field(default="08:00", max_length=5)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @classmethod
    def current(cls, session) -> ShopSettings:
        """The shop's one settings row; before set-up, an unsaved row with the defaults (never None)."""
        return session.get(cls, 1) or cls(id=1, name="Repair Portal")


class Location(SQLModel, table=True):
    __tablename__ = "location"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=500)
    opening_hours_json: str = Field(
        default="{}", max_length=2000, description='{"mon": "09:00-17:30", ...}; missing day = closed'
    )
    accent_color: str | None = Field(default=None, max_length=9)
    logo_path: str | None = Field(default=None, max_length=300)
    welcome_message: str | None = Field(default=None, max_length=2000)
    access_mode: str | None = Field(default=None, max_length=20)
    # The shop's deposit rule, overridden here when set (None: the shop's).
    deposit_rule: str | None = Field(default=None, max_length=10)
    deposit_value: int | None = None
    deposit_required: bool | None = None
    timezone: str | None = Field(default=None, max_length=64, description="None: the shop's (quiet hours)")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

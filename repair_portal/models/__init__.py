"""All tables. Importing this package registers every table on SQLModel.metadata."""

from .accounts import (
    CustomerKind,
    Passkey,
    PermissionGroup,
    PortalSession,
    PortalToken,
    PortalTokenPurpose,
    PortalUser,
    RecoveryCode,
    WebAuthnChallenge,
)
from .alerts import AlertKind, AlertRead, CustomerAlert
from .assets import AssetTest, Defect, DefectPhoto, DefectStatus, Severity, TestResult
from .customer import Customer, Device, Site
from .invoice import Invoice, InvoiceLine, InvoicePayment, InvoiceStatus, StoreCreditEntry
from .mail import EmailTemplateText, MailStatus, OutboxMessage
from .online_payment import AttemptKind, AttemptStatus, PaymentAttempt, PaymentAttemptLine, ProviderEvent
from .order import Counter, Order, Stage, StageKind, StatusEvent
from .price_list import PriceKind, PriceListItem
from .quote import Payment, PaymentMethod, Quote, QuoteLine, QuoteStatus
from .records import (
    Attachment,
    AttachmentKind,
    Message,
    MessageDirection,
    Signature,
    SignaturePurpose,
    SignedText,
)
from .reports import ReportStatus, ServiceReport
from .resources import ResourceFile, ResourceFolder, ResourceShare
from .security import AuditEvent, PortalLink, PortalVerification, RateLimitEvent
from .shop import AccessMode, Location, ShopSettings
from .sms import SmsConsent, SmsMessage, SmsStatus, SmsTemplateText
from .staff import Role, StaffSession, StaffUser
from .staff_tokens import StaffPasswordToken as StaffPasswordToken

__all__ = [
    "AccessMode",
    "AlertKind",
    "AlertRead",
    "AssetTest",
    "Attachment",
    "AttachmentKind",
    "AttemptKind",
    "AttemptStatus",
    "AuditEvent",
    "Counter",
    "Customer",
    "CustomerAlert",
    "CustomerKind",
    "Defect",
    "DefectPhoto",
    "DefectStatus",
    "Device",
    "EmailTemplateText",
    "Invoice",
    "InvoiceLine",
    "InvoicePayment",
    "InvoiceStatus",
    "Location",
    "MailStatus",
    "Message",
    "MessageDirection",
    "Order",
    "OutboxMessage",
    "Passkey",
    "Payment",
    "PaymentAttempt",
    "PaymentAttemptLine",
    "PaymentMethod",
    "PermissionGroup",
    "PortalLink",
    "PortalSession",
    "PortalToken",
    "PortalTokenPurpose",
    "PortalUser",
    "PortalVerification",
    "PriceKind",
    "PriceListItem",
    "ProviderEvent",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "RateLimitEvent",
    "RecoveryCode",
    "ReportStatus",
    "ResourceFile",
    "ResourceFolder",
    "ResourceShare",
    "Role",
    "ServiceReport",
    "Severity",
    "ShopSettings",
    "Signature",
    "SignaturePurpose",
    "SignedText",
    "Site",
    "SmsConsent",
    "SmsMessage",
    "SmsStatus",
    "SmsTemplateText",
    "StaffSession",
    "StaffUser",
    "Stage",
    "StageKind",
    "StatusEvent",
    "StoreCreditEntry",
    "TestResult",
    "WebAuthnChallenge",
]

"""Queue emails about an order into the outbox (delivery happens elsewhere, off the request path)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from .. import routes
from ..models import (
    Customer,
    Device,
    Location,
    Order,
    OutboxMessage,
    Quote,
    ShopSettings,
    Stage,
)
from . import audit, clock, hours, money, phones, portal_links, tracking
from .branding import accent_for
from .email_templates import TEMPLATES, Branding, Rendered, render, texts_for


@dataclass(frozen=True)
class LinkSettings:
    """What mail needs from Settings: where links point and the key they derive from."""

    public_url: str
    secret_key: str


def opening_hours(location: Location | None, *, include_closed: bool = False) -> list[tuple[str, str]]:
    return hours.by_day(location.opening_hours_json if location else None, include_closed=include_closed)


def branding(session: Session, location: Location | None) -> Branding:
    shop = ShopSettings.current(session)
    return Branding(
        shop_name=shop.name,
        accent=accent_for(shop, location),
        location_name=location.name if location else "",
        address=location.address if location else "",
        phone=phones.display(location.phone, shop.country) if location else "",
        email=location.email if location else "",
        hours=opening_hours(location),
    )


class NotSent(Exception):
    """Why a message was not queued (no address, no consent); already audited."""


def queue_order_email(
    session: Session,
    links: LinkSettings,
    template: str,
    order_id: int,
    actor: audit.Actor,
    *,
    extra: dict[str, str] | None = None,
    quote_block: str = "",
    respect_consent: bool = True,
) -> OutboxMessage:
    """Render a template for an order and add it to the outbox.

    Customer emails go to the customer (only with their consent unless a staff
    member sends explicitly); shop emails go to the order's location.
    """
    spec = TEMPLATES[template]
    order = session.get(Order, order_id)
    customer = session.get(Customer, order.customer_id)
    location = session.get(Location, order.location_id)
    brand = branding(session, location)
    if spec.audience == "customer":
        to_email, to_name = customer.email.strip(), customer.full_name
        if not to_email:
            audit.record(session, actor, "email.skipped", order_id=order_id, template=template, reason="no_email")
            raise NotSent("The customer has no email address.")
        if respect_consent and not customer.email_updates:
            audit.record(session, actor, "email.skipped", order_id=order_id, template=template, reason="no_consent")
            raise NotSent("The customer has not agreed to email updates.")
    else:
        shop = ShopSettings.current(session)
        to_email, to_name = (location.email if location else "").strip(), brand.shop_name
        if not to_email:
            audit.record(session, actor, "email.skipped", order_id=order_id, template=template, reason="no_shop_email")
            raise NotSent(f"The location has no email address ({shop.name}).")

    rendered = compose(session, links, template, order_id, extra=extra, quote_block=quote_block)
    message = OutboxMessage(
        order_id=order_id,
        template=template,
        audience=spec.audience,
        to_email=to_email,
        to_name=to_name,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        created_at=clock.now(),
        next_attempt_at=clock.now(),
    )
    session.add(message)
    session.flush()
    audit.record(session, actor, "email.queued", order_id=order_id, template=template, message_id=message.id)
    return message


def compose(
    session: Session,
    links: LinkSettings,
    template: str,
    order_id: int,
    *,
    extra: dict[str, str] | None = None,
    quote_block: str = "",
    texts: tuple[str, str] | None = None,
) -> Rendered:
    """Render a template for an order without queueing it (also the settings preview)."""
    spec = TEMPLATES[template]
    order = session.get(Order, order_id)
    customer = session.get(Customer, order.customer_id)
    location = session.get(Location, order.location_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    status = tracking.customer_status(session, order)
    brand = branding(session, location)
    code = portal_links.current_code(session, links.secret_key, order_id)
    if spec.audience == "customer":
        link = f"{links.public_url.rstrip('/')}{routes.track(code)}" if code else None
        link = f"{link}?tab={spec.tab}" if link and spec.tab else link
    else:
        link = f"{links.public_url.rstrip('/')}{routes.staff_order(order_id)}"
    values = {
        "reference": order.reference,
        "first_name": customer.first_name or customer.full_name,
        "customer_name": customer.full_name,
        "account": customer.company or customer.full_name,
        "shop_name": brand.shop_name,
        "device": device.label if device else "device",
        "stage": status.label,
        **(extra or {}),
    }
    # The shop reads its own stage names; customers read what the portal says.
    stage_text = session.get(Stage, order.stage_id).name if spec.audience == "shop" else values["stage"]
    details = [("Reference", order.reference), ("Device", values["device"]), ("Status", stage_text)]
    if template == "quote_decided":
        details += _decision_details(session, order_id)
    if template == "job_requested":
        details += _request_details(session, order)
    if template == "quote_ready":
        quote = session.exec(
            select(Quote).where(Quote.order_id == order_id).where(Quote.status == "sent").order_by(Quote.version.desc())
        ).first()
        if quote is not None:
            from .quotes import quote_totals

            details.append(("Quote total", money.format_money(quote_totals(session, quote).total, quote.currency)))
    subject, intro = texts or texts_for(session, template)
    rendered = render(spec, subject, intro, values, brand, link, details=details, quote_block=quote_block)
    return rendered


def _request_details(session: Session, order: Order) -> list[tuple[str, str]]:
    """For the shop: the account, site, job type, preferred date and PO of a customer's request."""
    from .job_requests import facts

    f = facts(session, order)
    rows = [
        ("Account", f.account),
        ("Site", f.site),
        ("Job type", f.job_type),
        ("Preferred date", f.preferred),
        ("PO number", f.po_number),
        ("Requested by", f.requested_by),
    ]
    return [(label, value) for label, value in rows if value]


def _decision_details(session: Session, order_id: int) -> list[tuple[str, str]]:
    """For the shop: what was approved (total, extras left out) or why it was declined."""
    from .quotes import lines_of, quote_totals

    quote = session.exec(
        select(Quote)
        .where(Quote.order_id == order_id)
        .where(Quote.status.in_(("approved", "declined")))
        .order_by(Quote.version.desc())
    ).first()
    if quote is None:
        return []
    if quote.status == "declined":
        return [("Reason", quote.decline_reason or "(none given)")]
    rows = [("Approved total", money.format_money(quote_totals(session, quote).total, quote.currency))]
    lines = lines_of(session, quote.id)
    left_out = [line.description for line in lines if line.optional and line.decision == "declined"]
    if left_out:
        rows.append(("Extras declined", ", ".join(left_out)))
    return rows


def messages_for_order(session: Session, order_id: int) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.created_at.desc())
        )
    )

import io

import pytest
from PIL import Image, ImageDraw
from sqlmodel import select

from repair_portal.models import AuditEvent, Signature, Stage, StageKind
from repair_portal.services import audit, consents, signatures, workflow

from .. import factories

CUSTOMER = audit.Actor("customer", None, "Ada Nowak", "198.51.100.4", "phone")


def _png() -> bytes:
    img = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.line([(10, 80), (80, 30), (150, 90), (220, 20), (290, 70)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def test_data_consent_is_asked_once_and_collection_only_when_ready(session):
    shop, location = factories.shop(session)
    new = factories.order(session, location)
    assert [p.purpose for p in consents.pending(session, new.order)] == ["data_consent"]
    sig, created = consents.sign(
        session,
        new.order,
        "data_consent",
        signer_name="Ada Nowak",
        png=_png(),
        auth_method="link_last_name",
        ip="198.51.100.4",
        user_agent="phone",
        actor=CUSTOMER,
    )
    assert created and sig.consent_text_version == "data-consent-v1" and sig.document_kind == "data_consent"
    again, created_again = consents.sign(
        session,
        new.order,
        "data_consent",
        signer_name="Ada Nowak",
        png=_png(),
        auth_method="link_last_name",
        ip="",
        user_agent="",
        actor=CUSTOMER,
    )
    assert again.id == sig.id and not created_again  # a second tap signs nothing new
    assert consents.pending(session, new.order) == []
    with pytest.raises(consents.ConsentError, match="isn't needed"):
        consents.sign(
            session,
            new.order,
            "collection",
            signer_name="Ada Nowak",
            png=_png(),
            auth_method="link_last_name",
            ip="",
            user_agent="",
            actor=CUSTOMER,
        )
    ready = session.exec(select(Stage).where(Stage.kind == StageKind.READY.value)).one()
    workflow.change_stage(session, new.order, ready, audit.SYSTEM)
    assert consents.pending(session, new.order) == []  # by default collection is signed at the counter
    shop.sign_collection_remotely = True
    session.add(shop)
    assert [p.purpose for p in consents.pending(session, new.order)] == ["collection"]
    consents.sign(
        session,
        new.order,
        "collection",
        signer_name="Ada Nowak",
        png=_png(),
        auth_method="link_last_name",
        ip="",
        user_agent="",
        actor=CUSTOMER,
    )
    assert len(session.exec(select(Signature)).all()) == 2
    assert signatures.verify_chain(session) == []
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "portal.signed")).all()) == 2


def test_blank_or_fake_signatures_and_bad_names_are_refused(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    blank = io.BytesIO()
    Image.new("RGBA", (300, 120), (255, 255, 255, 0)).save(blank, format="PNG")
    for png, name in ((blank.getvalue(), "Ada Nowak"), (b"not a png", "Ada Nowak"), (_png(), "x")):
        with pytest.raises(consents.ConsentError):
            consents.sign(
                session,
                new.order,
                "data_consent",
                signer_name=name,
                png=png,
                auth_method="link",
                ip="",
                user_agent="",
                actor=CUSTOMER,
            )
    assert session.exec(select(Signature)).all() == []


def _sign(session, order, purpose: str):
    return consents.sign(
        session,
        order,
        purpose,
        signer_name="Ada Nowak",
        png=_png(),
        auth_method="link_last_name",
        ip="198.51.100.4",
        user_agent="phone",
        actor=CUSTOMER,
    )


def test_a_signature_is_said_once_in_the_activity_and_outbox_mail_says_so(session):
    from repair_portal.services import order_activity

    _, location = factories.shop(session)
    new = factories.order(session, location)
    _sign(session, new.order, "data_consent")
    audit.record(session, audit.SYSTEM, "email.sent", order_id=new.order.id, template="order_booked", backend="outbox")
    lines = [a.what for a in order_activity.order_activity(session, new.order.id, "Europe/London")]
    assert sum(line.startswith("Signed the") for line in lines) == 1
    assert "Kept the “Order booked in” email in the outbox (email isn't set up)" in lines

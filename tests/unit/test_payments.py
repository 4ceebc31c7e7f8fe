import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent
from repair_portal.services import audit, payments, portal_view, quotes

from .. import factories


def test_payments_refunds_and_the_balance(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    quote = quotes.create_quote(session, new.order, [quotes.LineSpec("Screen", 1, 10000)], audit.SYSTEM)
    quotes.send_quote(session, quote, audit.SYSTEM)
    payments.record_payment(session, new.order, 5000, "cash", audit.SYSTEM, reference="deposit")
    with pytest.raises(payments.PaymentError, match="reason"):
        payments.record_payment(session, new.order, -1000, "card", audit.SYSTEM)
    with pytest.raises(payments.PaymentError, match="amount"):
        payments.record_payment(session, new.order, 0, "card", audit.SYSTEM)
    with pytest.raises(ValueError):
        payments.record_payment(session, new.order, 100, "bitcoin", audit.SYSTEM)
    payments.record_payment(session, new.order, -1000, "cash", audit.SYSTEM, note="Case not needed")
    assert payments.paid_total(session, new.order.id) == 4000
    view = portal_view.portal_view(session, new.order.id)
    assert (view.total, view.paid, view.balance) == ("£120.00", "£40.00", "£80.00")  # 100 + 20% VAT
    assert [p.refund for p in view.payments] == [False, True]
    recorded = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.recorded")).all()
    assert len(recorded) == 2

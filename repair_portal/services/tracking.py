"""The workflow as customers see it: which stages are public, and what an internal stage shows as."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Order, Quote, QuoteStatus, Stage, StageKind


def _is_public():
    return Stage.customer_explanation.is_not(None) & (Stage.customer_explanation != "")


def public_stages(session: Session) -> list[Stage]:
    """The workflow as customers see it: active stages that have a customer explanation."""
    return list(session.exec(select(Stage).where(Stage.active).where(_is_public()).order_by(Stage.position)).all())


def public_stage(session: Session, stage: Stage) -> Stage:
    """Internal stages (no customer explanation) show as the nearest earlier public stage."""
    if stage.customer_explanation:
        return stage
    earlier = session.exec(
        select(Stage)
        .where(Stage.active)
        .where(Stage.position < stage.position)
        .where(_is_public())
        .order_by(Stage.position.desc())
    ).first()
    return earlier or stage


# What the customer is told while a decision they already made (or can't make yet) would otherwise
# be asked for: the approval stage's own wording applies only while a quote awaits their decision.
AFTER_DECISION = {
    QuoteStatus.APPROVED.value: (
        "Quote approved",
        "Thank you: your repair is going ahead. We'll update you here as it progresses.",
    ),
    QuoteStatus.DECLINED.value: (
        "Quote declined",
        "We won't carry out the repair. We'll let you know when your device is ready to collect.",
    ),
    None: ("Preparing your quote", "We're preparing your quote. You'll be able to review and approve it here."),
}
DECIDED = (QuoteStatus.APPROVED.value, QuoteStatus.DECLINED.value)
READY_UNREPAIRED = "Your device is ready to collect, unrepaired as you chose. Bring your reference number."


@dataclass(frozen=True)
class CustomerStatus:
    """Where the order is, as its customer is told (portal headline, timeline, emails)."""

    label: str
    explanation: str
    public_stage: Stage  # the public stage the timeline is measured against
    interim: bool = False  # an internal stage's own wording: a step of its own after `public_stage`
    quote_status: str | None = None  # of the latest quote the customer has seen

    def passed_label(self, stage: Stage) -> tuple[str, str]:
        """A passed stage's wording: an approval stage says what the customer decided."""
        if stage.kind == StageKind.AWAITING_APPROVAL.value:  # never "waiting for your approval" once past
            return AFTER_DECISION[self.quote_status] if self.quote_status in DECIDED else ("Quote", "")
        return stage.customer_label or stage.name, stage.customer_explanation or ""


def _latest_quote_status(session: Session, order_id: int) -> str | None:
    return session.exec(
        select(Quote.status)
        .where(Quote.order_id == order_id)
        .where(Quote.status.in_([s.value for s in (QuoteStatus.SENT, QuoteStatus.APPROVED, QuoteStatus.DECLINED)]))
        .order_by(Quote.version.desc())
    ).first()


def customer_status(session: Session, order: Order) -> CustomerStatus:
    """Never a call to action the customer has already answered, never a stage that isn't true.

    - An internal stage with a customer wording ("Waiting for a part") says that.
    - An approval stage says "waiting for your approval" only while a sent quote awaits the decision.
    - A ready stage after a declined quote says the device is unrepaired."""
    stage = session.get(Stage, order.stage_id)
    public = public_stage(session, stage)
    quote_status = _latest_quote_status(session, order.id)
    if not stage.customer_explanation and stage.customer_label:
        return CustomerStatus(stage.customer_label, "", public, interim=True, quote_status=quote_status)
    label, explanation = public.customer_label or public.name, public.customer_explanation or ""
    if public.kind == StageKind.AWAITING_APPROVAL.value and quote_status != QuoteStatus.SENT.value:
        label, explanation = AFTER_DECISION[quote_status]
    elif public.kind == StageKind.READY.value and quote_status == QuoteStatus.DECLINED.value:
        explanation = READY_UNREPAIRED
    return CustomerStatus(label, explanation, public, quote_status=quote_status)

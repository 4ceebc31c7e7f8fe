"""The workflow as customers see it: which stages are public, and what an internal stage shows as."""

from __future__ import annotations

from sqlmodel import Session, select

from ..models import Stage


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

"""What the shop lets customers see online: one answer for views, handlers, routes and PDFs."""

from __future__ import annotations

from sqlmodel import Session

from ..models import AttachmentKind
from .shop_settings import current_shop


def visible_attachment_kinds(session: Session) -> set[str]:
    shop = current_shop(session)
    kinds = set()
    if shop.show_photos:
        kinds.add(AttachmentKind.PHOTO.value)
    if shop.show_documents:
        kinds.add(AttachmentKind.DOCUMENT.value)
    return kinds

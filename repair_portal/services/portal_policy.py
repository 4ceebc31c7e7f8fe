"""What the shop lets customers see online: one answer for views, handlers, routes and PDFs."""

from __future__ import annotations

from sqlmodel import Session

from ..models import AttachmentKind, ShopSettings


def visible_attachment_kinds(session: Session) -> set[str]:
    shop = ShopSettings.current(session)
    kinds = set()
    if shop.show_photos:
        kinds.add(AttachmentKind.PHOTO.value)
    if shop.show_documents:
        kinds.add(AttachmentKind.DOCUMENT.value)
    return kinds

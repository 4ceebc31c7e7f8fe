"""The account portal's sections and who sees them: one table, read by the navigation (what the browser
is offered) and by each section's guard (what the server allows)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import routes
from .portal_permissions import Perm


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    route: str
    icon: str  # a lucide icon name
    perms: frozenset[Perm]  # any one of these shows the section


SECTIONS: tuple[Section, ...] = (
    Section("home", "Overview", routes.PORTAL, "layout-dashboard", frozenset()),
    Section(
        "orders",
        "Orders",
        routes.PORTAL_ORDERS,
        "wrench",
        frozenset({Perm.ORDERS_VIEW_ALL, Perm.ORDERS_VIEW_MINE, Perm.ORDERS_REQUEST}),
    ),
    Section(
        "invoices", "Invoices", routes.PORTAL_INVOICES, "receipt", frozenset({Perm.INVOICES_VIEW, Perm.PAYMENTS_VIEW})
    ),
    Section("assets", "Assets", routes.PORTAL_ASSETS, "boxes", frozenset({Perm.ASSETS_VIEW})),
    Section("files", "Shared files", routes.PORTAL_RESOURCES, "folder-open", frozenset({Perm.RESOURCES_VIEW})),
)
SECTION_ICONS = tuple(section.icon for section in SECTIONS)  # what the menu may show (static icons)


def visible(perms: frozenset[Perm]) -> list[Section]:
    """The sections a user with these permissions is offered (the overview always: it shows what they may)."""
    return [s for s in SECTIONS if not s.perms or s.perms & perms]

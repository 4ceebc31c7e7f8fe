"""The staff back-office layout: sidebar, header, auth guard."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from .. import routes
from ..live import AlertChannel, live_refresh
from ..models.staff import ROLE_LABELS, Role
from ..services.permissions import Action, can
from ..state.staff_alerts import StaffAlertsState
from ..state.staff_session import StaffSessionState
from .registry import register
from .ui import post_form

SIDEBAR_WIDTH = "15rem"


def roles_for(*actions: Action) -> tuple[str, ...]:
    """The roles allowed any of these actions, read from the one permission table."""
    return tuple(role.value for role in Role if any(can(role, action) for action in actions))


# Each entry shows for the roles the permission table lets use the page (the page refuses the rest).
NAV = [
    ("Orders", routes.STAFF_HOME, "clipboard-list", roles_for(Action.VIEW_ORDERS)),
    ("New order", routes.STAFF_NEW_ORDER, "circle-plus", roles_for(Action.CREATE_ORDER)),
    ("Customers", routes.STAFF_CUSTOMERS, "users", roles_for(Action.VIEW_ORDERS)),
]
SETTINGS_NAV = [
    ("Shop", routes.STAFF_SETTINGS_SHOP, "store", roles_for(Action.EDIT_SETTINGS)),
    ("Locations", routes.STAFF_SETTINGS_LOCATIONS, "map-pin", roles_for(Action.EDIT_SETTINGS)),
    ("Workflow", routes.STAFF_SETTINGS_WORKFLOW, "list-ordered", roles_for(Action.EDIT_SETTINGS)),
    ("Price list", routes.STAFF_SETTINGS_PRICE_LIST, "tags", roles_for(Action.EDIT_SETTINGS)),
    ("Staff", routes.STAFF_SETTINGS_STAFF, "user-cog", roles_for(Action.MANAGE_USERS)),
    ("Portal access", routes.STAFF_SETTINGS_PORTAL, "key-round", roles_for(Action.EDIT_SETTINGS)),
    ("Emails", routes.STAFF_SETTINGS_EMAILS, "mail", roles_for(Action.EDIT_SETTINGS)),
]
_SETTINGS_ROLES = roles_for(Action.EDIT_SETTINGS, Action.MANAGE_USERS)


def _nav_item(label: str, href: str, icon: str, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="2", weight="medium"), spacing="3", align="center"),
        href=href,
        underline="none",
        padding="0.55rem 0.75rem",
        border_radius="8px",
        color="white" if active else "rgba(255,255,255,0.72)",
        background="rgba(255,255,255,0.12)" if active else "transparent",
        _hover={"background": "rgba(255,255,255,0.08)", "color": "white"},
        width="100%",
    )


def _nav_entry(label: str, href: str, icon: str, active: bool, roles) -> rx.Component:
    """Links a role can't use are hidden (the pages refuse them server-side anyway)."""
    item = _nav_item(label, href, icon, active)
    return item if set(roles) == {role.value for role in Role} else rx.cond(_has_role(roles), item)


def for_roles_allowed(action: Action, component: rx.Component) -> rx.Component:
    """Show `component` only to roles the permission table allows `action` (the server refuses the rest)."""
    return rx.cond(_has_role(roles_for(action)), component)


def _has_role(roles) -> rx.Var:
    allowed = StaffSessionState.staff_role == roles[0]
    for role in roles[1:]:
        allowed = allowed | (StaffSessionState.staff_role == role)
    return allowed


def _role_label() -> rx.Var:
    return rx.match(
        StaffSessionState.staff_role,
        *[(key, label) for key, label in ROLE_LABELS.items()],
        "",
    )


def sidebar(active: str) -> rx.Component:
    return rx.box(
        _sidebar_content(active),
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        background="#0f1b2d",
        align_self="stretch",
        display=["none", "none", "block"],
    )


def _sidebar_content(active: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.icon("wrench", size=18, color="white"),
                width="2rem",
                height="2rem",
                border_radius="8px",
                background="var(--teal-9)",
            ),
            rx.vstack(
                rx.text("Repair Portal", size="3", weight="bold", color="white"),
                rx.text("Back office", size="1", color="rgba(255,255,255,0.6)"),
                spacing="0",
            ),
            spacing="3",
            align="center",
            padding_bottom="1rem",
        ),
        rx.vstack(
            *[_nav_entry(label, href, icon, href == active, roles) for label, href, icon, roles in NAV],
            rx.cond(
                _has_role(_SETTINGS_ROLES),
                rx.text(
                    "Settings",
                    size="1",
                    weight="bold",
                    color="rgba(255,255,255,0.45)",
                    text_transform="uppercase",
                    letter_spacing="0.06em",
                    padding="1rem 0.75rem 0.25rem",
                ),
            ),
            *[_nav_entry(label, href, icon, href == active, roles) for label, href, icon, roles in SETTINGS_NAV],
            spacing="1",
            width="100%",
        ),
        rx.spacer(),
        rx.vstack(
            rx.hstack(
                rx.avatar(
                    fallback=StaffSessionState.staff_name.to(str)[:1],
                    size="2",
                    radius="full",
                    color_scheme="teal",
                    variant="solid",
                ),
                rx.vstack(
                    rx.text(StaffSessionState.staff_name, size="2", weight="medium", color="white", id="staff-name"),
                    rx.text(_role_label(), size="1", color="rgba(255,255,255,0.6)"),
                    spacing="0",
                ),
                spacing="2",
                align="center",
            ),
            post_form(
                rx.button(
                    rx.icon("log-out", size=16),
                    "Sign out",
                    type="submit",
                    variant="ghost",
                    color="rgba(255,255,255,0.8)",
                    size="2",
                    width="100%",
                    justify_content="flex-start",
                    id="sign-out",
                ),
                action=routes.backend(routes.STAFF_SIGN_OUT_POST),
                form_id="sign-out-form",
            ),
            spacing="3",
            width="100%",
            padding_top="1rem",
            border_top="1px solid rgba(255,255,255,0.12)",
        ),
        height="100vh",
        width="100%",
        padding="1.25rem 1rem",
        position="sticky",
        top="0",
    )


def alert_bell() -> rx.Component:
    """What customers did, unread by this staff member; live on every staff page."""
    unread = StaffAlertsState.unread
    return rx.link(
        rx.box(
            rx.icon("bell", size=20),
            rx.cond(
                unread > 0,
                rx.badge(
                    rx.cond(unread > 99, "99+", unread.to(str)),
                    color_scheme="red",
                    variant="solid",
                    radius="full",
                    size="1",
                    position="absolute",
                    top="-0.35rem",
                    right="-0.6rem",
                    id="alert-count",
                ),
            ),
            position="relative",
            display="flex",
        ),
        href=routes.STAFF_ALERTS,
        aria_label=rx.cond(unread > 0, "Customer alerts, " + unread.to(str) + " unread", "Customer alerts"),
        id="alert-bell",
        color="var(--gray-12)",
        padding="0.6rem",
        border_radius="8px",
        min_width="44px",
        min_height="44px",
        display="flex",
        align_items="center",
        justify_content="center",
        _hover={"background": "var(--gray-4)"},
    )


def staff_layout(
    active: str, title: str, subtitle: rx.Component | str, body: rx.Component, actions: rx.Component | None = None
) -> rx.Component:
    header = rx.hstack(
        rx.vstack(
            rx.heading(title, size="6", weight="bold"),
            subtitle if isinstance(subtitle, rx.Component) else rx.text(subtitle, size="2", color_scheme="gray"),
            spacing="1",
        ),
        rx.spacer(),
        actions or rx.fragment(),
        alert_bell(),
        live_refresh(StaffAlertsState.refresh_bell, AlertChannel),
        width="100%",
        align="end",
    )
    page = rx.hstack(
        sidebar(active),
        rx.box(
            rx.vstack(header, body, spacing="5", width="100%", max_width="80rem"),
            flex="1",
            min_width="0",
            padding=["1rem", "1.5rem", "2rem 2.5rem"],
            background="var(--gray-2)",
            min_height="100vh",
        ),
        spacing="0",
        align="start",
        width="100%",
    )
    # Nothing of the back office renders until the guard has confirmed the session.
    return rx.cond(
        StaffSessionState.staff_name != "",
        page,
        rx.center(rx.spinner(size="3"), height="100vh", background="var(--gray-2)"),
    )


def staff_page(route: str, title: str, on_load: list | None = None) -> Callable:
    """Register a staff page: the guard runs before the page's own loaders."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        register(route, f"{title} · Repair Portal", render, [StaffSessionState.guard, *(on_load or [])])
        return render

    return decorator

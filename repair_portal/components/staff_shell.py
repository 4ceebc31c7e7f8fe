"""The staff back-office layout: sidebar (a menu in the header below 768 px), header, auth guard."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from .. import routes
from ..live import ALERTS, live_refresh
from ..models.staff import ROLE_LABELS, Role
from ..services.permissions import Action, can
from ..state.staff_alerts import StaffAlertsState
from ..state.staff_session import StaffSessionState
from .registry import register
from .ui import VISUALLY_HIDDEN, post_form, staff_palette, visually_hidden

SIDEBAR_WIDTH = "15rem"
NAVY = "#0f1b2d"


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
    ("Texts", routes.STAFF_SETTINGS_TEXTS, "message-square-text", roles_for(Action.EDIT_SETTINGS)),
    ("Payments", routes.STAFF_SETTINGS_PAYMENTS, "credit-card", roles_for(Action.MANAGE_PAYMENTS)),
    ("Shared files", routes.STAFF_SETTINGS_RESOURCES, "folder-open", roles_for(Action.MANAGE_RESOURCES)),
]
_SETTINGS_ROLES = roles_for(Action.EDIT_SETTINGS, Action.MANAGE_USERS, Action.MANAGE_RESOURCES, Action.MANAGE_PAYMENTS)


def _nav_item(label: str, href: str, icon: str, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="2", weight="medium"), spacing="3", align="center"),
        href=href,
        underline="none",
        padding="0.55rem 0.75rem",
        border_radius="8px",
        min_height="40px",
        display="flex",
        align_items="center",
        color="white" if active else "rgba(255,255,255,0.75)",
        background="rgba(255,255,255,0.12)" if active else "transparent",
        _hover={"background": "rgba(255,255,255,0.08)", "color": "white"},
        width="100%",
        **({"aria_current": "page"} if active else {}),
    )


def _nav_entry(label: str, href: str, icon: str, active: bool, roles, wrap=None) -> rx.Component:
    """Links a role can't use are hidden (the pages refuse them server-side anyway)."""
    item = _nav_item(label, href, icon, active)
    item = wrap(item) if wrap else item
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
        background=NAVY,
        align_self="stretch",
        display=["none", "none", "block"],
    )


def _brand() -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("wrench", size=18, color="white"),
            width="2rem",
            height="2rem",
            border_radius="8px",
            background="var(--teal-9)",
        ),
        rx.vstack(
            rx.text("Repair Portal", size="3", weight="bold", color="white"),
            rx.text("Back office", size="1", color="rgba(255,255,255,0.7)"),
            spacing="0",
        ),
        spacing="3",
        align="center",
    )


def _nav(active: str, wrap: Callable[[rx.Component], rx.Component] | None = None) -> rx.Component:
    """The pages this role may use; `wrap` lets the phone menu close itself when a link is followed."""
    return rx.el.nav(
        rx.vstack(
            *[_nav_entry(label, href, icon, href == active, roles, wrap) for label, href, icon, roles in NAV],
            rx.cond(
                _has_role(_SETTINGS_ROLES),
                rx.text(
                    "Settings",
                    size="1",
                    weight="bold",
                    color="rgba(255,255,255,0.7)",  # 7:1 on the navy; 0.45 was 4.3:1
                    text_transform="uppercase",
                    letter_spacing="0.06em",
                    padding="1rem 0.75rem 0.25rem",
                ),
            ),
            *[_nav_entry(label, href, icon, href == active, roles, wrap) for label, href, icon, roles in SETTINGS_NAV],
            spacing="1",
            width="100%",
        ),
        aria_label="Back office",
        style={"width": "100%"},
    )


def _account(
    active: str, id_prefix: str = "", wrap: Callable[[rx.Component], rx.Component] | None = None
) -> rx.Component:
    """Who is signed in (a link to their profile: password, two-step sign-in, passkeys), and Sign out (a
    real form post: the route ends the HttpOnly session)."""
    me = rx.link(
        rx.hstack(
            rx.avatar(
                fallback=StaffSessionState.staff_name.to(str)[:1],
                size="2",
                radius="full",
                color_scheme="teal",
                variant="solid",
            ),
            rx.vstack(
                rx.text(
                    StaffSessionState.staff_name,
                    size="2",
                    weight="medium",
                    color="white",
                    id=f"{id_prefix}staff-name",
                ),
                rx.text(_role_label(), " · Your profile", size="1", color="rgba(255,255,255,0.7)"),
                spacing="0",
            ),
            spacing="2",
            align="center",
        ),
        href=routes.STAFF_PROFILE,
        underline="none",
        id=f"{id_prefix}profile-link",
        padding="0.4rem 0.5rem",
        margin="0 -0.5rem",
        border_radius="8px",
        min_height="44px",
        display="flex",
        align_items="center",
        background="rgba(255,255,255,0.12)" if active == routes.STAFF_PROFILE else "transparent",
        _hover={"background": "rgba(255,255,255,0.08)"},
        **({"aria_current": "page"} if active == routes.STAFF_PROFILE else {}),
    )
    return rx.vstack(
        wrap(me) if wrap else me,
        post_form(
            rx.button(
                rx.icon("log-out", size=16),
                "Sign out",
                type="submit",
                variant="ghost",
                color="rgba(255,255,255,0.85)",
                size="2",
                width="100%",
                min_height="44px",
                justify_content="flex-start",
                id=f"{id_prefix}sign-out",
            ),
            action=routes.backend(routes.STAFF_SIGN_OUT_POST),
            form_id=f"{id_prefix}sign-out-form",
        ),
        spacing="3",
        width="100%",
        padding_top="1rem",
        border_top="1px solid rgba(255,255,255,0.12)",
    )


def _sidebar_content(active: str) -> rx.Component:
    return rx.vstack(
        rx.box(_brand(), padding_bottom="1rem"),
        _nav(active),
        rx.spacer(),
        _account(active),
        height="100vh",
        width="100%",
        padding="1.25rem 1rem",
        position="sticky",
        top="0",
    )


def _menu_alerts() -> rx.Component:
    """The bell's page as a menu entry, with the same unread count."""
    unread = StaffAlertsState.unread
    return rx.link(
        rx.hstack(
            rx.icon("bell", size=18),
            rx.text("Customer alerts", size="2", weight="medium"),
            rx.cond(
                unread > 0,
                rx.badge(
                    rx.cond(unread > 99, "99+", unread.to(str)),
                    visually_hidden(" unread"),
                    color_scheme="red",
                    variant="solid",
                    size="1",
                ),
            ),
            spacing="3",
            align="center",
        ),
        href=routes.STAFF_ALERTS,
        id="menu-alerts",
        underline="none",
        padding="0.55rem 0.75rem",
        border_radius="8px",
        min_height="44px",
        display="flex",
        align_items="center",
        color="rgba(255,255,255,0.85)",
        _hover={"background": "rgba(255,255,255,0.08)", "color": "white"},
        width="100%",
    )


def phone_menu(active: str) -> rx.Component:
    """Below 768 px the sidebar is hidden: this button opens the same navigation in a drawer."""
    close = rx.dialog.close(
        rx.icon_button(
            rx.icon("x", size=20),
            variant="ghost",
            color="white",
            aria_label="Close the menu",
            min_width="44px",
            min_height="44px",
            id="staff-menu-close",
        )
    )
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("menu", size=20),
                "Menu",
                variant="soft",
                color_scheme="gray",
                size="3",
                min_height="44px",
                min_width="44px",
                display=["inline-flex", "inline-flex", "none"],
                id="staff-menu",
            )
        ),
        rx.dialog.content(
            rx.vstack(
                rx.hstack(_brand(), rx.spacer(), close, width="100%", align="center"),
                rx.dialog.title("Menu", style=VISUALLY_HIDDEN),
                rx.dialog.description("Pages of the back office, alerts and sign out.", style=VISUALLY_HIDDEN),
                _nav(active, wrap=rx.dialog.close),
                rx.dialog.close(_menu_alerts()),
                rx.spacer(),
                _account(active, id_prefix="menu-", wrap=rx.dialog.close),
                spacing="3",
                min_height="100%",
                width="100%",
            ),
            position="fixed",
            top="0",
            left="0",
            bottom="0",
            width="min(20rem, 86vw)",
            max_width="none",
            height="100dvh",
            max_height="100dvh",
            border_radius="0",
            padding="1.25rem 1rem",
            background=NAVY,
            overflow_y="auto",
            id="staff-menu-panel",
        ),
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
    active: str,
    title: str | rx.Var | rx.Component,
    subtitle: rx.Component | str,
    body: rx.Component,
    actions: rx.Component | None = None,
) -> rx.Component:
    # In reading order on every width: [Menu (phones)] [title] [actions, bell]; on a phone the actions
    # and the bell wrap to their own line when the title needs the room.
    header = rx.flex(
        phone_menu(active),
        rx.vstack(
            rx.heading(title, size=rx.breakpoints(initial="5", sm="6"), weight="bold"),
            subtitle if isinstance(subtitle, rx.Component) else rx.text(subtitle, size="2", color_scheme="gray"),
            spacing="1",
            flex="1 1 8rem",
            min_width="0",
        ),
        rx.hstack(
            actions or rx.fragment(),
            alert_bell(),
            align="center",
            spacing="2",
            margin_left="auto",
        ),
        live_refresh(StaffAlertsState.refresh_bell, ALERTS),
        width="100%",
        align="end",
        gap="0.75rem",
        wrap="wrap",
    )
    page = rx.hstack(
        staff_palette(),
        sidebar(active),
        rx.el.main(
            rx.vstack(header, body, spacing="5", width="100%", max_width="80rem"),
            style={"flex": "1", "min_width": "0", "min_height": "100vh", "background": "var(--gray-2)"},
            padding=["1rem", "1.5rem", "2rem 2.5rem"],
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

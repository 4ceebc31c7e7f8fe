"""The signed-in customer's account layout: the portal's look (components/portal_shell.py), the account's
name, and a sign-out button (a form post to the route that drops the HttpOnly cookie)."""

from __future__ import annotations

import json
from collections.abc import Callable

import reflex as rx

from .. import routes
from ..services.account_sections import SECTION_ICONS
from ..state.portal_brand import PortalBrandState as B
from ..state.portal_session import PortalSessionState as P
from ..state.portal_session import SectionLink
from .account_auth import branded
from .registry import register
from .ui import icon_of, post_form

ACCOUNT_WIDTH = "72rem"
END_PREVIEW = routes.backend(routes.STAFF_PORTAL_PREVIEW_END)


def account_header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text("Signed in as ", P.account_user, size="2", color_scheme="gray", id="account-user"),
            rx.heading(P.account_name, as_="h1", size="6", id="account-name"),
            spacing="1",
        ),
        rx.spacer(),
        rx.link(
            rx.hstack(rx.icon("shield-check", size=18, aria_hidden="true"), "Sign-in and security", spacing="2"),
            href=routes.PORTAL_SECURITY,
            size="3",
            id="account-security",
            style={
                "color": "var(--accent-text)",
                "min_height": "44px",
                "display": "inline-flex",
                "align_items": "center",
            },
        ),
        rx.box(  # (the form is 100% wide: its own box keeps the button beside the security link)
            post_form(
                rx.button(
                    "Sign out", type="submit", variant="soft", color_scheme="gray", size="3", id="portal-sign-out"
                ),
                action=routes.backend(routes.PORTAL_SIGN_OUT_POST),
                form_id="portal-sign-out-form",
            ),
            flex_shrink="0",
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _section_link(section: SectionLink, active: str) -> rx.Component:
    current = section.key == active
    return rx.el.li(
        rx.link(
            rx.hstack(
                icon_of(section.icon, SECTION_ICONS, size=18, aria_hidden="true"),
                section.label,
                spacing="2",
                align="center",
            ),
            href=section.route,
            aria_current=rx.cond(current, "page", None),
            class_name="account-nav-link",
            data_active=rx.cond(current, "true", "false"),
            id="nav-" + section.key,
        ),
        list_style="none",
    )


def account_nav(active: str) -> rx.Component:
    """The sections this user's group may see (absent, not greyed out, when it may not)."""
    return rx.el.nav(
        rx.el.ul(
            rx.foreach(P.sections, lambda s: _section_link(s, active)),
            class_name="account-nav-list",
        ),
        aria_label="Your account",
        id="account-nav",
        width="100%",
    )


def preview_banner() -> rx.Component:
    """Shown only in a staff member's "view as this user": read only, and the way out."""
    return rx.cond(
        P.preview_by != "",
        rx.callout.root(
            rx.flex(
                rx.callout.text(
                    rx.text.strong("Staff preview. "),
                    "You're seeing the portal as ",
                    P.account_user,
                    " sees it (opened by ",
                    P.preview_by,
                    "). Nothing can be changed here.",
                ),
                rx.button(
                    "End preview",
                    size="3",
                    variant="solid",
                    # A full page load through the route (it drops the HttpOnly cookie), not app navigation.
                    on_click=rx.call_script(f"window.location.assign({json.dumps(END_PREVIEW)})"),
                    id="end-preview",
                ),
                gap="0.75rem",
                align="center",
                justify="between",
                wrap="wrap",
                width="100%",
            ),
            color_scheme="amber",
            role="status",
            width="100%",
            id="preview-banner",
        ),
    )


def account_layout(active: str, *children: rx.Component) -> rx.Component:
    """Every account page: the shop's branded shell, wide enough for lists, the account header and the
    section navigation. `active` is the section key (services/account_sections.py)."""
    return branded(
        B,
        preview_banner(),
        rx.card(rx.vstack(account_header(), account_nav(active), spacing="3", width="100%"), size="2", width="100%"),
        *children,
        width=ACCOUNT_WIDTH,
    )


def account_page(route: str, title: str, on_load: list | None = None) -> Callable:
    """Register an account page: the portal guard runs before the page's own loaders."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        register(route, f"{title} · Your account", render, [P.portal_guard, B.load_account_brand, *(on_load or [])])
        return render

    return decorator

"""The signed-in customer's account layout: the portal's look (components/portal_shell.py), the account's
name, and a sign-out button (a form post to the route that drops the HttpOnly cookie)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from .. import routes
from ..state.portal_session import PortalSessionState as P
from .registry import register
from .ui import post_form


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
        post_form(
            rx.button("Sign out", type="submit", variant="soft", color_scheme="gray", size="3", id="portal-sign-out"),
            action=routes.backend(routes.PORTAL_SIGN_OUT_POST),
            form_id="portal-sign-out-form",
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def account_page(route: str, title: str, on_load: list | None = None) -> Callable:
    """Register an account page: the portal guard runs before the page's own loaders."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        register(route, f"{title} · Your account", render, [P.portal_guard, *(on_load or [])])
        return render

    return decorator

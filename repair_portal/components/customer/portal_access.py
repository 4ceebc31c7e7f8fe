"""The customer page's Portal access card: person or business account, the people who sign in for it at
/portal (group, MFA, status, last sign-in, invitation), and what staff do about their access."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...state.staff_portal_users import PORTAL_LINK_ID, PortalUserView, StaffPortalUsersState
from .portal_user_dialogs import confirm_dialog, user_dialog

S = StaffPortalUsersState


def _id(prefix: str, row: PortalUserView) -> rx.Var:
    return prefix + row.id.to(str)


def _status(row: PortalUserView) -> rx.Component:
    return rx.match(
        row.status,
        ("active", rx.badge("Active", color_scheme="green", variant="soft")),
        ("invited", rx.badge("Invitation sent", color_scheme="amber", variant="soft")),
        ("expired", rx.badge("Invitation expired", color_scheme="orange", variant="soft")),
        ("not_invited", rx.badge("Not invited yet", color_scheme="gray", variant="soft")),
        rx.badge("Disabled", color_scheme="gray", variant="outline"),
    )


def _fact(label: str, value, **props) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", **props),
        spacing="0",
        min_width="8rem",
    )


def _mfa(row: PortalUserView) -> rx.Component:
    return rx.vstack(
        rx.text("Two-step sign-in", size="1", color_scheme="gray"),
        rx.hstack(
            rx.text(row.mfa, size="2"),
            rx.cond(row.mfa_enrolled, rx.badge("set up", color_scheme="green", variant="soft", size="1")),
            spacing="1",
            align="center",
        ),
        spacing="0",
        min_width="8rem",
    )


def _menu(row: PortalUserView) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=14),
                size="1",
                variant="soft",
                color_scheme="gray",
                aria_label="More for " + row.name,
                id=_id("portal-user-more-", row),
            )
        ),
        rx.menu.content(
            rx.menu.item(
                rx.icon("log-out", size=14),
                "Sign out everywhere",
                on_click=S.ask_confirm("sign_out", row.id),
                id=_id("portal-user-sign-out-", row),
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.icon("user-x", size=14),
                "Disable",
                color="red",
                on_click=S.ask_confirm("disable", row.id),
                id=_id("portal-user-disable-", row),
            ),
        ),
    )


def _actions(row: PortalUserView) -> rx.Component:
    send = rx.cond(
        row.password_set,
        rx.button(
            rx.icon("key-round", size=14),
            "Send password reset",
            size="1",
            variant="soft",
            on_click=S.ask_confirm("reset", row.id),
            id=_id("portal-user-reset-", row),
        ),
        rx.button(
            rx.icon("send", size=14),
            rx.cond(row.status == "not_invited", "Send invitation", "Send a new invitation"),
            size="1",
            on_click=S.handle_invite(row.id),
            id=_id("portal-user-invite-", row),
        ),
    )
    edit = rx.button(
        rx.icon("pencil", size=14),
        "Edit",
        size="1",
        variant="soft",
        color_scheme="gray",
        on_click=S.open_edit_user(row.id),
        id=_id("portal-user-edit-", row),
    )
    enable = rx.button(
        rx.icon("user-check", size=14),
        "Enable",
        size="1",
        variant="soft",
        on_click=S.handle_enable(row.id),
        id=_id("portal-user-enable-", row),
    )
    return rx.hstack(
        rx.cond(S.can_preview & row.active, _view_as(row)),
        rx.cond(S.can_manage_portal, rx.cond(row.active, rx.fragment(send, edit, _menu(row)), enable)),
        spacing="2",
        wrap="wrap",
    )


def _view_as(row: PortalUserView) -> rx.Component:
    """Opens the preview in a new tab; the route (same-site only, the staff cookie is SameSite=Strict)
    sets the HttpOnly preview cookie and audits it. A link styled as a button."""
    before, after = routes.STAFF_PORTAL_PREVIEW.split("{portal_user_id}")
    return rx.button(
        rx.el.a(
            rx.icon("eye", size=14, aria_hidden="true"),
            "View as this user",
            href=routes.backend(before) + row.id.to(str) + after,
            target="_blank",
            rel="noopener",
            aria_label="View as this user: " + row.name,  # the visible words first (axe: label in name)
            id=_id("portal-user-view-as-", row),
        ),
        as_child=True,
        size="1",
        variant="soft",
        color_scheme="gray",
    )


def _user(row: PortalUserView) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.text(row.name, weight="medium"),
                    rx.text(row.email, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
                    rx.cond(row.phone != "", rx.text(row.phone, size="1", color_scheme="gray")),
                    spacing="0",
                    min_width="0",
                ),
                rx.spacer(),
                _status(row),
                gap="0.5rem",
                width="100%",
                align="start",
            ),
            rx.flex(
                _fact("Group", row.group),
                _mfa(row),
                _fact("Last sign-in", row.last_sign_in),
                _fact("Invited", row.invited),
                gap="0.5rem 1.5rem",
                wrap="wrap",
                width="100%",
            ),
            _actions(row),
            spacing="3",
            width="100%",
        ),
        padding="0.75rem 1rem",
        border="1px solid var(--gray-5)",
        border_radius="8px",
        width="100%",
        background=rx.cond(row.active, "transparent", "var(--gray-2)"),
        id=_id("portal-user-", row),
        class_name="portal-user",
    )


def _kind() -> rx.Component:
    control = rx.segmented_control.root(
        rx.segmented_control.item("Person", value="person"),
        rx.segmented_control.item("Business account", value="business"),
        value=S.account_kind,
        on_change=S.handle_set_kind,
        size="1",
        id="account-kind",
    )
    shown = rx.badge(
        rx.cond(S.account_kind == "business", "Business account", "Person"), variant="soft", id="account-kind"
    )
    hint = rx.cond(
        S.account_kind == "business",
        "Several people can sign in for this customer at /portal, each with their group's permissions.",
        "One person signs in at /portal. Make it a business account to give several people access.",
    )
    return rx.vstack(
        rx.cond(S.can_manage_portal, control, shown),
        rx.text(hint, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def _account_switch() -> rx.Component:
    """The whole account's portal access. Changing it asks first (switching off signs everyone out)."""
    switch = rx.el.label(
        rx.switch(
            checked=S.portal_enabled,
            on_change=S.ask_account_access,
            id="portal-account-switch",
            aria_describedby="portal-account-hint",
        ),
        rx.text.span("Portal access for this customer", size="2", weight="medium"),
        style={"display": "flex", "gap": "0.6rem", "align_items": "center", "cursor": "pointer"},
        min_height="32px",
    )
    shown = rx.hstack(
        rx.text("Portal access", size="2", weight="medium"),
        rx.cond(
            S.portal_enabled,
            rx.badge("On", color_scheme="green", variant="soft"),
            rx.badge("Switched off", color_scheme="red", variant="soft"),
        ),
        spacing="2",
        align="center",
        id="portal-account-state",
    )
    hint = rx.cond(
        S.portal_enabled,
        "Switching it off signs every portal user of this customer out at once and stops every way of signing in.",
        "Switched off: nobody can sign in for this customer at /portal. Order tracking links still work.",
    )
    return rx.vstack(
        rx.cond(S.can_manage_portal, switch, shown),
        rx.text(
            hint, size="1", color=rx.cond(S.portal_enabled, "var(--gray-11)", "var(--red-11)"), id="portal-account-hint"
        ),
        spacing="1",
        width="100%",
    )


def _issued_link() -> rx.Component:
    copy = "navigator.clipboard.writeText(document.getElementById('" + PORTAL_LINK_ID + "').textContent)"
    return rx.cond(
        S.link_shown,
        rx.callout.root(
            rx.callout.icon(rx.icon("link")),
            rx.vstack(
                rx.text(S.link_for, weight="bold", size="2"),
                rx.code("", size="1", variant="soft", id=PORTAL_LINK_ID, style={"word_break": "break-all"}),
                rx.text(S.link_note, size="1"),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy link",
                        size="1",
                        on_click=[rx.call_script(copy), rx.toast.success("Link copied.")],
                        id="portal-link-copy",
                    ),
                    rx.button("Done", size="1", variant="soft", on_click=S.dismiss_portal_link, id="portal-link-done"),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="teal",
            width="100%",
            id="portal-link-box",
        ),
    )


def portal_access_card() -> rx.Component:
    add = rx.cond(
        S.can_manage_portal,
        rx.button(
            rx.icon("user-plus", size=14),
            "Add portal user",
            size="1",
            variant="soft",
            on_click=S.open_add_user,
            id="portal-user-add",
        ),
    )
    empty = rx.text(
        "Nobody signs in for this customer yet. Add a portal user, then send the invitation.",
        size="2",
        color_scheme="gray",
        id="portal-users-empty",
    )
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Portal access", size="2", weight="bold", color_scheme="gray"),
                rx.spacer(),
                add,
                width="100%",
                align="center",
            ),
            _kind(),
            _account_switch(),
            _issued_link(),
            rx.cond(
                S.portal_rows.length() > 0,
                rx.vstack(rx.foreach(S.portal_rows, _user), spacing="2", width="100%", id="portal-users"),
                empty,
            ),
            user_dialog(),
            confirm_dialog(),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        id="portal-access",
    )

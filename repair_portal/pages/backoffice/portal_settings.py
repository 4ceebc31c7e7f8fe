"""/staff/settings/portal (owners and managers): the customer portal's switches and the permission groups
of customer accounts."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.settings.asset_settings import asset_settings_card
from ...components.settings.form import section
from ...components.settings.portal_groups import delete_dialog, group_dialog, groups_card
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import conflict_notice, form_field
from ...state.staff_asset_settings import StaffAssetSettingsState
from ...state.staff_portal_settings import RoleChoice, StaffPortalSettingsState

S = StaffPortalSettingsState
ROUTE = routes.STAFF_SETTINGS_PORTAL


def _switch(name: str, element_id: str, checked, label: str, hint: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.switch(checked=checked, on_change=lambda value: S.set_switch(name, value), id=element_id, size="2"),
            rx.vstack(
                rx.text(label, size="2", weight="medium"),
                rx.text(hint, size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="3",
            align="start",
        ),
        style={"cursor": "pointer"},
        width="100%",
    )


def _role_checkbox(choice: RoleChoice) -> rx.Component:
    return rx.checkbox(
        choice.label,
        checked=S.mfa_roles[choice.value],
        on_change=lambda value: S.set_mfa_role(choice.value, value),
        id="mfa-role-" + choice.value.replace("_", "-"),
    )


def _off_url() -> rx.Component:
    control = rx.input(
        value=S.portal_off_url,
        on_change=S.set_off_url,
        id="portal-off-url",
        type="url",
        placeholder="https://www.your-shop.example/contact",
        width="100%",
    )
    return rx.cond(
        ~S.portal_enabled,
        rx.box(
            form_field(
                "Send customers to",
                control,
                "portal-off-url",
                S.switch_errors.get("portal_off_url", ""),
                "Tracking links, the order lookup and account sign-in redirect here (an https:// address). "
                "Leave it empty to show a “not available online, please call us” page with your phone number. "
                "Staff previews keep working.",
            ),
            padding_left="3.25rem",
            width="100%",
        ),
    )


def _switches_card() -> rx.Component:
    save_bar = rx.hstack(
        rx.cond(S.switches_dirty, rx.text("Unsaved changes", size="2", color_scheme="gray", id="portal-dirty")),
        rx.spacer(),
        rx.button(
            "Discard changes",
            variant="soft",
            color_scheme="gray",
            on_click=S.handle_discard_switches,
            id="portal-discard",
        ),
        rx.button(rx.icon("check", size=14), "Save", on_click=S.handle_save_switches, id="portal-save"),
        align="center",
        width="100%",
        wrap="wrap",
    )
    return section(
        "Customer portal",
        "Whether customers can use the portal at all, and how accounts and staff sign in.",
        conflict_notice(S.switch_conflict, element_id="portal-conflict"),
        _switch(
            "portal_enabled",
            "portal-enabled",
            S.portal_enabled,
            "Customer portal on",
            "Off: tracking links, the order lookup and account sign-in stop working for customers.",
        ),
        _off_url(),
        _switch(
            "password_mix",
            "portal-password-mix",
            S.password_mix,
            "Passwords must mix upper case, lower case, a digit and a symbol",
            "On top of the length rule (12 to 128 characters, not the email, not a common password). "
            "Off by default: long passphrases are stronger and easier to remember.",
        ),
        rx.vstack(
            rx.text("Staff roles that must use an authenticator app (TOTP)", size="2", weight="medium"),
            rx.flex(rx.foreach(S.role_choices, _role_checkbox), wrap="wrap", gap="0.75rem 1.5rem"),
            rx.text(
                "Staff in these roles set up an authenticator app from their profile and enter its code at sign-in.",
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            width="100%",
            id="mfa-roles",
        ),
        rx.divider(),
        save_bar,
        id="portal-switches",
    )


@staff_page(
    ROUTE,
    "Portal access",
    on_load=[StaffPortalSettingsState.load_portal_settings, StaffAssetSettingsState.load_asset_settings],
)
def portal_settings_page() -> rx.Component:
    body = rx.vstack(
        _switches_card(),
        groups_card(),
        asset_settings_card(),
        group_dialog(),
        delete_dialog(),
        spacing="4",
        width="100%",
        max_width="64rem",
    )
    return staff_layout(
        ROUTE,
        "Portal access",
        "Customer accounts' permission groups, and the portal's shop-wide switches.",
        body,
    )

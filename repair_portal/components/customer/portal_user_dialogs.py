"""The Portal access card's dialogs: add or edit a portal user, and the confirmation before a password
reset, signing out everywhere, disabling, or switching the whole account's portal access."""

from __future__ import annotations

import reflex as rx

from ...state.staff_portal_users import GroupOption, StaffPortalUsersState
from ..ui import dialog_form, form_field

S = StaffPortalUsersState


def _group_option(option: GroupOption) -> rx.Component:
    return rx.select.item(option.label, value=option.value)


def user_dialog() -> rx.Component:
    def text(label: str, name: str, **props) -> rx.Component:
        element_id = "portal-user-" + name
        control = rx.input(
            name=name,
            id=element_id,
            default_value=S.user_values.get(name, ""),
            key=S.user_key.to(str),
            width="100%",
            **props,
        )
        return form_field(label, control, element_id, S.user_errors.get(name, ""))

    group = rx.select.root(
        rx.select.trigger(id="portal-user-group", width="100%"),
        rx.select.content(rx.foreach(S.group_options, _group_option)),
        value=S.user_group,
        on_change=S.set_user_group,
    )
    return dialog_form(
        text("Name", "name", required=True, auto_focus=True),
        text("Email — they sign in with it", "email", type="email", required=True),
        text("Phone (optional)", "phone", type="tel"),
        form_field(
            "Permission group",
            group,
            "portal-user-group",
            S.user_errors.get("group", ""),
            "What they may see and do. Groups are set up under Settings → Portal access.",
        ),
        rx.checkbox(
            "Require two-step sign-in (authenticator app or passkey)",
            checked=S.user_mfa,
            on_change=S.set_user_mfa,
            id="portal-user-mfa",
        ),
        title=rx.cond(S.user_edit_id == 0, "Add a portal user", "Edit portal user"),
        description="Someone who signs in at /portal for this customer. They choose their own password.",
        error=S.user_error,
        on_submit=S.handle_save_user,
        submit=rx.button("Save", type="submit", id="portal-user-save"),
        ids=("portal-user-form", "portal-user-form-error", "portal-user-cancel"),
        open=S.user_open,
        on_open_change=S.set_user_open,
        max_width="30rem",
    )


CONFIRM_TEXT = {
    "reset": (
        "Send a password reset link to ",
        "They get an email with a link to choose a new password (valid 30 minutes, once). "
        "Their current password works until they use it.",
        "Send link",
    ),
    "sign_out": (
        "Sign out everywhere: ",
        "Every browser they are signed in on is signed out at once. They can sign in again.",
        "Sign out",
    ),
    "disable": (
        "Disable ",
        "They are signed out everywhere and can't sign in; unused invitation and reset links stop working. "
        "You can enable them again.",
        "Disable",
    ),
    "account_off": (
        "Switch off portal access for ",
        "Nobody can sign in for this customer at /portal: everyone signed in is signed out at once, and unused "
        "invitation, reset and sign-in links stop working. Order tracking links keep working. You can switch it "
        "on again.",
        "Switch off",
    ),
    "account_on": (
        "Switch on portal access for ",
        "Its enabled portal users can sign in again with their password, passkey or a new link.",
        "Switch on",
    ),
}


def confirm_dialog() -> rx.Component:
    def pick(index: int):
        return rx.match(S.confirm_kind, *[(k, v[index]) for k, v in CONFIRM_TEXT.items()], "")

    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(pick(0), S.confirm_name, "?"),
            rx.alert_dialog.description(pick(1)),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", id="portal-confirm-cancel")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        pick(2),
                        color_scheme=rx.cond(
                            (S.confirm_kind == "disable") | (S.confirm_kind == "account_off"), "red", "teal"
                        ),
                        on_click=S.handle_confirm,
                        id="portal-confirm",
                    )
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
        open=S.confirm_open,
        on_open_change=S.set_confirm_open,
    )

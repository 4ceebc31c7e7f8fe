"""/staff/settings/staff (owner only): who can sign in, with which role, and their password links."""

from __future__ import annotations

import reflex as rx

from ... import routes
from ...components.staff_shell import staff_layout, staff_page
from ...components.ui import STICKY_HEAD, dialog_form, empty_state, field_label, scroll_region, visually_hidden
from ...state.staff_users import ISSUED_LINK_ID, Choice, StaffUsersState, StaffView

S = StaffUsersState
ROUTE = routes.STAFF_SETTINGS_STAFF


def _id(prefix: str, row: StaffView) -> rx.Var:
    return prefix + row.id.to(str)


def _choice(choice: Choice) -> rx.Component:
    return rx.select.item(choice.label, value=choice.value)


def _status(row: StaffView) -> rx.Component:
    return rx.match(
        row.status,
        ("active", rx.badge("Active", color_scheme="green", variant="soft", high_contrast=True)),
        ("invited", rx.badge("Invited", color_scheme="amber", variant="soft", high_contrast=True)),
        ("no_password", rx.badge("No password yet", color_scheme="orange", variant="soft", high_contrast=True)),
        rx.badge("Deactivated", color_scheme="gray", variant="soft", high_contrast=True),
    )


def _role_cell(row: StaffView) -> rx.Component:
    # Your own role is fixed here (another owner changes it); deactivated accounts keep theirs.
    return rx.cond(
        row.is_you | ~row.active,
        rx.text(row.role_label, size="2"),
        rx.select.root(
            rx.select.trigger(id=_id("role-select-", row), width="9rem", aria_label="Role of " + row.name),
            rx.select.content(rx.foreach(S.role_choices, _choice)),
            value=row.role,
            on_change=lambda value: S.handle_change_role(row.id, value),
            size="1",
        ),
    )


def _actions(row: StaffView) -> rx.Component:
    return rx.cond(
        row.active,
        rx.hstack(
            rx.tooltip(
                rx.icon_button(
                    rx.icon("key-round", size=14),
                    size="1",
                    variant="soft",
                    on_click=S.ask_reset(row.id),
                    id=_id("staff-reset-", row),
                    aria_label=rx.cond(row.status == "active", "Reset password", "Resend invite") + ": " + row.name,
                ),
                content=rx.cond(row.status == "active", "Send a password reset link", "Resend the invitation"),
            ),
            rx.cond(
                ~row.is_you,
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("user-x", size=14),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.ask_deactivate(row.id),
                        id=_id("staff-deactivate-", row),
                        aria_label="Deactivate " + row.name,
                    ),
                    content="Deactivate (signs them out everywhere)",
                ),
            ),
            spacing="2",
            justify="end",
        ),
        rx.button(
            rx.icon("user-check", size=14),
            "Reactivate",
            size="1",
            variant="soft",
            on_click=S.handle_reactivate(row.id),
            aria_label="Reactivate " + row.name,
            id=_id("staff-reactivate-", row),
        ),
    )


def _row(row: StaffView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.hstack(
                    rx.text(row.name, weight="medium"),
                    rx.cond(row.is_you, rx.badge("You", variant="outline", size="1", high_contrast=True)),
                    spacing="2",
                    align="center",
                ),
                rx.text(row.email, size="1", color_scheme="gray"),
                rx.hstack(
                    rx.icon("map-pin", size=12, color="var(--gray-9)"),
                    rx.text(row.location, size="1", color_scheme="gray"),
                    spacing="1",
                    align="center",
                ),
                spacing="0",
            )
        ),
        rx.table.cell(_role_cell(row)),
        rx.table.cell(_status(row)),
        rx.table.cell(rx.text(row.last_login, size="2", color_scheme="gray", white_space="nowrap")),
        rx.table.cell(_actions(row)),
        id=_id("staff-row-", row),
        class_name="staff-row",
        opacity=rx.cond(row.active, "1", "0.65"),
    )


def _table() -> rx.Component:
    headers = ["Name", "Role", "Status", "Last sign-in", visually_hidden("Actions")]
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h, style=STICKY_HEAD) for h in headers])),
            rx.table.body(rx.foreach(S.rows, _row)),
            variant="surface",
            size="2",
            width="100%",
            id="staff-table",
        ),
        label="Staff accounts",
        max_height="calc(100vh - 16rem)",
        overflow_y="auto",
        width="100%",
        border_radius="10px",
    )


def _empty() -> rx.Component:
    return empty_state(
        "users",
        "No staff accounts",
        "Invite your team: they choose their own password from the email.",
        id="staff-empty",
    )


def _issued_link() -> rx.Component:
    return rx.cond(
        S.issued_shown,
        rx.callout.root(
            rx.callout.icon(rx.icon("link")),
            rx.vstack(
                rx.text("Set-password link for ", S.issued_for, weight="bold", size="2"),
                # Filled in once by the handler's script; the link is never part of the state.
                rx.code("", size="1", variant="soft", id=ISSUED_LINK_ID, style={"word_break": "break-all"}),
                rx.text(S.issued_note, size="1"),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy link",
                        size="1",
                        on_click=[
                            rx.call_script(
                                f"navigator.clipboard.writeText(document.getElementById('{ISSUED_LINK_ID}').textContent)"
                            ),
                            rx.toast.success("Link copied."),
                        ],
                        id="issued-link-copy",
                    ),
                    rx.button("Done", size="1", variant="soft", on_click=S.dismiss_link, id="issued-link-dismiss"),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="teal",
            width="100%",
            id="issued-link-box",
        ),
    )


def _field(label: str, element_id: str, control: rx.Component, error=None) -> rx.Component:
    return rx.vstack(
        field_label(label, element_id),
        control,
        rx.cond(error != "", rx.text(error, size="1", color_scheme="red", id=f"{element_id}-error", role="alert"))
        if error is not None
        else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _invite_dialog() -> rx.Component:
    return dialog_form(
        _field(
            "Name",
            "invite-name",
            rx.input(id="invite-name", name="name", required=True, auto_focus=True, width="100%"),
            S.name_error,
        ),
        _field(
            "Email",
            "invite-email",
            rx.input(id="invite-email", name="email", type="email", required=True, width="100%"),
            S.email_error,
        ),
        rx.flex(
            _field(
                "Role",
                "invite-role",
                rx.select.root(
                    rx.select.trigger(id="invite-role", width="100%"),
                    rx.select.content(rx.foreach(S.role_choices, _choice)),
                    name="role",
                    value=S.invite_role,
                    on_change=S.set_invite_role,
                ),
            ),
            _field(
                "Location",
                "invite-location",
                rx.select.root(
                    rx.select.trigger(id="invite-location", width="100%"),
                    rx.select.content(rx.foreach(S.location_choices, _choice)),
                    name="location",
                    value=S.invite_location,
                    on_change=S.set_invite_location,
                ),
            ),
            gap="0.75rem",
            width="100%",
        ),
        rx.text(
            "They get an email with a link to choose their own password (valid 72 hours).",
            size="1",
            color_scheme="gray",
        ),
        title="Invite a staff member",
        description="Owners manage staff and settings, managers settings; everyone works on orders.",
        error=S.invite_error,
        on_submit=S.handle_invite,
        submit=rx.button("Send invitation", type="submit", id="invite-submit"),
        ids=("invite-form", "invite-error", "invite-cancel"),
        open=S.invite_open,
        on_open_change=S.set_invite_open,
        max_width="30rem",
    )


def _confirm() -> rx.Component:
    is_reset = S.confirm_kind == "reset"
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(is_reset, "Send a password link to ", "Deactivate "), S.confirm_name, "?"),
            rx.alert_dialog.description(
                rx.cond(
                    is_reset,
                    "They get an email with a link to choose a new password (valid 30 minutes, once). "
                    "Older links stop working. Their current password works until they use the link; "
                    "then they are signed out everywhere.",
                    "They are signed out everywhere at once and can't sign in until you reactivate them. "
                    "Their name stays on the orders they worked on.",
                )
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", id="staff-confirm-cancel")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        rx.cond(is_reset, "Send link", "Deactivate"),
                        color_scheme=rx.cond(is_reset, "teal", "red"),
                        on_click=S.handle_confirm,
                        id="staff-confirm",
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


@staff_page(ROUTE, "Staff", on_load=[StaffUsersState.load_staff_users])
def staff_users_page() -> rx.Component:
    body = rx.vstack(
        _issued_link(),
        rx.cond(S.rows.length() > 0, _table(), _empty()),
        _invite_dialog(),
        _confirm(),
        spacing="4",
        width="100%",
    )
    invite = rx.button(
        rx.icon("user-plus", size=16), "Invite staff", size="2", on_click=S.open_invite, id="invite-open"
    )
    return staff_layout(
        ROUTE,
        "Staff",
        "Who can sign in to the back office and what their role lets them do.",
        body,
        actions=invite,
    )

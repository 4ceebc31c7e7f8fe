"""Settings → Portal access: the permission groups list, the add/edit dialog and the delete confirmation."""

from __future__ import annotations

import reflex as rx

from ...state.staff_portal_settings import GroupView, PermChoice, StaffPortalSettingsState
from ..ui import dialog_form, form_field
from .form import section

S = StaffPortalSettingsState


def _id(prefix: str, row: GroupView) -> rx.Var:
    return prefix + row.id.to(str)


def _perm_badge(label: str) -> rx.Component:
    return rx.badge(label, variant="soft", color_scheme="gray", radius="full", size="1")


def _group_row(row: GroupView) -> rx.Component:
    """One group as a card (readable on a phone): name, members, MFA, actions, then its permissions."""
    builtin = rx.cond(
        row.builtin != "",
        rx.text(
            rx.cond(row.builtin == "admin", "Built in: every permission", "Built in: what an order link may do"),
            size="1",
            color_scheme="gray",
        ),
    )
    facts = rx.hstack(
        rx.badge(
            row.members.to(str) + rx.cond(row.members == 1, " member", " members"),
            variant="soft",
            color_scheme="gray",
            class_name="group-members",
        ),
        rx.cond(row.require_mfa, rx.badge("Two-step sign-in required", color_scheme="amber", variant="soft")),
        spacing="2",
        wrap="wrap",
    )
    actions = rx.hstack(
        rx.button(
            rx.icon("pencil", size=14),
            "Edit",
            size="1",
            variant="soft",
            on_click=S.open_edit_group(row.id),
            id=_id("group-edit-", row),
            aria_label="Edit " + row.name,
        ),
        rx.cond(
            row.deletable,
            rx.icon_button(
                rx.icon("trash-2", size=14),
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.ask_delete_group(row.id),
                id=_id("group-delete-", row),
                aria_label="Delete " + row.name,
            ),
        ),
        spacing="2",
    )
    perms = rx.cond(
        row.labels.length() > 0,
        rx.flex(rx.foreach(row.labels, _perm_badge), wrap="wrap", gap="0.3rem", aria_label="Permissions"),
        rx.text("No permissions yet.", size="2", color_scheme="gray"),
    )
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.vstack(rx.text(row.name, weight="medium", class_name="group-name"), builtin, facts, spacing="1"),
                rx.spacer(),
                actions,
                gap="0.75rem",
                width="100%",
                align="start",
            ),
            perms,
            spacing="3",
            width="100%",
        ),
        padding="0.75rem 1rem",
        border="1px solid var(--gray-5)",
        border_radius="8px",
        width="100%",
        id=_id("group-row-", row),
        class_name="group-row",
    )


def groups_card() -> rx.Component:
    new = rx.button(rx.icon("plus", size=14), "New group", size="2", on_click=S.open_new_group, id="group-new")
    return section(
        "Permission groups",
        "What a customer account's portal users may see and do. Every portal user is in one group; "
        "the server checks these permissions on every action.",
        rx.hstack(rx.spacer(), new, width="100%"),
        rx.vstack(rx.foreach(S.groups, _group_row), spacing="2", width="100%", id="groups-table"),
        id="portal-groups",
    )


def _perm_checkbox(choice: PermChoice) -> rx.Component:
    return rx.checkbox(
        choice.label,
        checked=S.group_checked[choice.value],
        on_change=lambda value: S.set_group_perm(choice.value, value),
        disabled=S.group_is_admin,
        id="perm-" + choice.value.replace(".", "-"),
        size="2",
    )


def group_dialog() -> rx.Component:
    name = rx.input(
        name="name",
        id="group-name",
        default_value=S.group_name,
        key=S.group_key.to(str),
        required=True,
        auto_focus=True,
        width="100%",
    )
    perms = rx.vstack(
        rx.text("Permissions", size="2", weight="medium"),
        rx.cond(
            S.group_is_admin,
            rx.text("The Admin group always has every permission.", size="1", color_scheme="gray"),
            rx.text("“Orders: see all of the account's” includes “see their own”.", size="1", color_scheme="gray"),
        ),
        rx.cond(
            S.group_is_visitor,
            rx.text(
                "Every order's tracking link (and the lookup) gets these, checked at each click: quotes, invoices, "
                "paying online, payments, photos and documents (see), messages and privacy settings. The rest "
                "apply only to portal users in this group.",
                size="1",
                color_scheme="gray",
                id="visitor-group-hint",
            ),
        ),
        rx.grid(
            rx.foreach(S.perm_choices, _perm_checkbox),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.5rem 1rem",
            width="100%",
        ),
        spacing="2",
        width="100%",
        id="group-perms",
    )
    mfa = rx.checkbox(
        "Require two-step sign-in (authenticator app or passkey) for everyone in this group",
        checked=S.group_mfa,
        on_change=S.set_group_mfa,
        id="group-mfa",
    )
    return dialog_form(
        form_field("Name", name, "group-name", S.group_name_error),
        perms,
        mfa,
        title=rx.cond(S.group_id == 0, "New permission group", "Edit “" + S.group_name + "”"),
        description="Portal users get exactly these permissions, on every page and action.",
        error=S.group_error,
        on_submit=S.handle_save_group,
        submit=rx.button("Save group", type="submit", id="group-save"),
        ids=("group-form", "group-form-error", "group-cancel"),
        open=S.group_open,
        on_open_change=S.set_group_open,
        max_width="44rem",
    )


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete “", S.delete_name, "”?"),
            rx.alert_dialog.description("The group goes for good. Nobody is in it, so no one loses access."),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray", id="group-delete-no")),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=S.handle_delete_group, id="group-delete-yes")
                ),
                justify="end",
                spacing="2",
                padding_top="1rem",
            ),
        ),
        open=S.delete_open,
        on_open_change=S.set_delete_open,
    )

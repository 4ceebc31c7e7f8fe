"""Small UI pieces the back-office pages share: labelled fields with inline errors, the pager, sticky headers."""

from __future__ import annotations

import reflex as rx

STICKY_HEAD = {"position": "sticky", "top": "0", "background": "var(--gray-3)", "z_index": "1"}


def field_error(message, element_id: str) -> rx.Component:
    """The inline message under a field (`<id>-error`), shown only when there is one."""
    return rx.cond(
        message != "",
        rx.text(message, size="1", color_scheme="red", id=f"{element_id}-error", class_name="field-error"),
    )


def form_field(label: str, control: rx.Component, element_id: str, error, hint: str = "") -> rx.Component:
    """Label (tied to the control for screen readers and clicks), control, hint, inline error."""
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=element_id),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        field_error(error, element_id),
        spacing="1",
        width="100%",
    )


def pager(label, on_prev, on_next, has_prev, has_next, *, ids: tuple[str, str, str] | None = None) -> list:
    """'1–25 of 300' with previous/next buttons; `ids` = (label, previous, next) element ids."""
    label_id, prev_id, next_id = ids or ("page-label", "page-prev", "page-next")
    return [
        rx.text(label, size="2", color_scheme="gray", id=label_id),
        rx.button(
            rx.icon("chevron-left", size=16),
            on_click=on_prev,
            disabled=~has_prev,
            variant="soft",
            size="2",
            aria_label="Previous page",
            id=prev_id,
        ),
        rx.button(
            rx.icon("chevron-right", size=16),
            on_click=on_next,
            disabled=~has_next,
            variant="soft",
            size="2",
            aria_label="Next page",
            id=next_id,
        ),
    ]


def empty_state(icon: str, title, hint, *actions: rx.Component, **props) -> rx.Component:
    """What a list shows when there is nothing to list: an icon, a line of what and a hint of what next."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color="var(--gray-8)"),
            rx.text(title, weight="medium"),
            rx.text(hint, size="2", color_scheme="gray", text_align="center"),
            *actions,
            align="center",
            spacing="2",
        ),
        padding="3rem",
        width="100%",
        background="var(--color-panel-solid)",
        border="1px dashed var(--gray-6)",
        border_radius="10px",
        **props,
    )

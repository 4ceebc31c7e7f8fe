"""Where the repair is: the order summary, the status timeline and the repair's details."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import Step
from ...state.track import TrackState

T = TrackState


def fact(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
        min_width="7rem",
    )


def hero() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Order", size="2", color_scheme="gray"),
                rx.text(
                    T.reference, size="2", weight="bold", font_family="var(--code-font-family)", id="order-reference"
                ),
                rx.spacer(),
                rx.cond(T.view.device != "", rx.text(T.view.device, size="2", color_scheme="gray")),
                width="100%",
            ),
            rx.heading(T.view.stage_label, size="7", id="stage-label"),
            rx.cond(T.view.show_explanations, rx.text(T.view.stage_explanation, size="3", color_scheme="gray")),
            rx.vstack(
                rx.box(
                    rx.box(
                        height="100%",
                        width=T.progress_percent.to(str) + "%",
                        background=T.accent_color,
                        border_radius="999px",
                        transition="width 0.6s ease",
                    ),
                    height="0.5rem",
                    width="100%",
                    background="var(--gray-4)",
                    border_radius="999px",
                ),
                rx.text("Step ", T.stage_position, " of ", T.stage_count, size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            rx.flex(
                fact("Booked in", T.view.booked_in),
                rx.cond(T.view.promised != "", fact("Expected by", T.view.promised)),
                gap="1.5rem",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="hero",
        style=flash("stage"),
    )


def flash(part: str) -> dict:
    """A soft glow on the card whose content just changed live."""
    return {
        "transition": "box-shadow 0.4s ease",
        "box_shadow": rx.cond(T.highlight == part, "0 0 0 3px var(--amber-7)", "none"),
    }


def step(step: Step) -> rx.Component:
    marker = rx.match(
        step.state,
        (
            "done",
            rx.center(
                rx.icon("check", size=14, color="white"),
                width="1.5rem",
                height="1.5rem",
                border_radius="999px",
                background=T.accent_color,
                flex_shrink="0",
            ),
        ),
        (
            "current",
            rx.center(
                rx.box(width="0.6rem", height="0.6rem", border_radius="999px", background="white"),
                width="1.5rem",
                height="1.5rem",
                border_radius="999px",
                background=T.accent_color,
                box_shadow="0 0 0 4px var(--gray-4)",
                flex_shrink="0",
            ),
        ),
        rx.box(
            width="1.5rem",
            height="1.5rem",
            border_radius="999px",
            border="2px solid var(--gray-6)",
            background="var(--color-panel-solid)",
            flex_shrink="0",
        ),
    )
    body = rx.vstack(
        rx.hstack(
            rx.text(
                step.label,
                size="2",
                weight=rx.cond(step.state == "current", "bold", "medium"),
                color=rx.cond(step.state == "upcoming", "var(--gray-9)", "var(--gray-12)"),
            ),
            rx.spacer(),
            rx.text(step.at, size="1", color_scheme="gray"),
            width="100%",
            align="center",
        ),
        rx.cond(
            T.view.show_explanations & (step.explanation != ""),
            rx.el.details(
                rx.el.summary(
                    rx.text.span(rx.cond(step.state == "current", "What's happening", "What this means"), size="1"),
                    style={"cursor": "pointer", "color": "var(--gray-10)"},
                ),
                rx.text(step.explanation, size="2", color_scheme="gray", padding_top="0.25rem"),
                open=step.state == "current",
            ),
        ),
        spacing="1",
        width="100%",
    )
    return rx.hstack(
        marker, body, spacing="3", align="start", width="100%", class_name="timeline-step", data_state=step.state
    )


def timeline() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Progress", size="2", weight="bold"),
            rx.foreach(T.view.steps, step),
            spacing="3",
            width="100%",
            id="timeline",
        ),
        size="2",
        width="100%",
    )


def details() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Your repair", size="2", weight="bold"),
            rx.cond(T.view.device != "", fact("Device", T.view.device)),
            rx.cond(
                T.view.problem != "",
                rx.vstack(
                    rx.text("What you told us", size="1", color_scheme="gray"),
                    rx.text(T.view.problem, size="2", white_space="pre-wrap"),
                    spacing="0",
                ),
            ),
            rx.cond(
                T.view.public_note != "",
                rx.box(
                    rx.text("Note from the shop", size="1", weight="bold", color=T.accent_color),
                    rx.text(T.view.public_note, size="2", white_space="pre-wrap", id="public-note"),
                    border_left=f"3px solid {T.accent_color}",
                    padding="0.25rem 0 0.25rem 0.75rem",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )

"""Where the repair is: the order summary, the status timeline and the repair's details."""

from __future__ import annotations

import reflex as rx

from ...services.portal_view import Step
from ..ui import visually_hidden
from .common import section_title
from .screen import OrderScreen


def fact(label: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", color_scheme="gray", weight="medium"),
        rx.text(value, size="3", weight="medium"),
        spacing="0",
        min_width="7rem",
    )


def hero(s: OrderScreen) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Order", size="2", color_scheme="gray"),
                rx.text(
                    s.view.reference,
                    size="2",
                    weight="bold",
                    font_family="var(--code-font-family)",
                    white_space="nowrap",  # "R-10007" never breaks at its hyphen on a phone
                    id="order-reference",
                ),
                rx.spacer(),
                rx.cond(s.view.device != "", rx.text(s.view.device, size="2", color_scheme="gray")),
                width="100%",
            ),
            rx.heading(s.stage.stage_label, as_="h1", size="7", id="stage-label", tab_index=-1),
            rx.cond(s.view.show_explanations, rx.text(s.stage.stage_explanation, size="3", color_scheme="gray")),
            rx.vstack(
                rx.box(
                    rx.box(
                        height="100%",
                        width=s.stage.progress_percent.to(str) + "%",
                        background="var(--accent)",
                        border_radius="999px",
                        transition="width 0.6s ease",
                    ),
                    height="0.5rem",
                    width="100%",
                    background="var(--gray-4)",
                    border_radius="999px",
                    aria_hidden="true",
                ),
                rx.text("Step ", s.stage.stage_position, " of ", s.stage.steps.length(), size="2", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            rx.flex(
                fact("Booked in", s.view.booked_in),
                rx.cond(s.view.promised != "", fact("Expected by", s.view.promised)),
                gap="1.5rem",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="hero",
        style=flash(s, "stage"),
    )


def flash(s: OrderScreen, part: str) -> dict:
    """A soft glow on the card whose content just changed live."""
    return {
        "transition": "box-shadow 0.4s ease",
        "box_shadow": rx.cond(s.highlight == part, "0 0 0 3px var(--amber-7)", "none"),
    }


def step(s: OrderScreen, step: Step) -> rx.Component:
    marker = rx.match(
        step.state,
        (
            "done",
            rx.center(
                rx.icon("check", size=14, color="var(--accent-ink)"),
                width="1.5rem",
                height="1.5rem",
                border_radius="999px",
                background="var(--accent)",
                flex_shrink="0",
            ),
        ),
        (
            "current",
            rx.center(
                rx.box(width="0.6rem", height="0.6rem", border_radius="999px", background="var(--accent-ink)"),
                width="1.5rem",
                height="1.5rem",
                border_radius="999px",
                background="var(--accent)",
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
                visually_hidden(
                    rx.match(step.state, ("done", ", completed"), ("current", ", current step"), ", upcoming")
                ),
                size="3",
                weight=rx.cond(step.state == "current", "bold", "medium"),
                color=rx.cond(step.state == "upcoming", "var(--gray-11)", "var(--gray-12)"),
            ),
            rx.spacer(),
            rx.text(step.at, size="2", color_scheme="gray"),
            width="100%",
            align="center",
        ),
        rx.cond(
            s.view.show_explanations & (step.explanation != ""),
            rx.el.details(
                rx.el.summary(
                    rx.text.span(rx.cond(step.state == "current", "What's happening", "What this means"), size="2"),
                    style={
                        "cursor": "pointer",
                        "color": "var(--gray-11)",
                        "min_height": "44px",
                        "display": "flex",
                        "align_items": "center",
                    },
                ),
                rx.text(step.explanation, size="2", color_scheme="gray", padding_top="0.25rem"),
                open=step.state == "current",
            ),
        ),
        spacing="1",
        width="100%",
    )
    return rx.el.li(
        rx.hstack(marker, body, spacing="3", align="start", width="100%"),
        class_name="timeline-step",
        data_state=step.state,
        aria_current=rx.cond(step.state == "current", "step", "false"),
    )


def timeline(s: OrderScreen) -> rx.Component:
    return rx.card(
        rx.vstack(
            section_title("Progress", id="timeline-title"),
            rx.el.ol(
                rx.foreach(s.stage.steps, lambda item: step(s, item)),
                class_name="timeline",
                id="timeline",
                aria_labelledby="timeline-title",
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def details(s: OrderScreen) -> rx.Component:
    return rx.card(
        rx.vstack(
            section_title("Your repair"),
            rx.cond(s.view.device != "", fact("Device", s.view.device)),
            rx.cond(
                s.view.problem != "",
                rx.vstack(
                    rx.text("What you told us", size="2", color_scheme="gray"),
                    rx.text(s.view.problem, size="2", white_space="pre-wrap"),
                    spacing="0",
                ),
            ),
            rx.cond(
                s.view.public_note != "",
                rx.box(
                    rx.text("Note from the shop", size="2", weight="bold", color="var(--accent-text)"),
                    rx.text(s.view.public_note, size="2", white_space="pre-wrap", id="public-note"),
                    border_left="3px solid var(--accent)",
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

"""The customer portal layout: branded top bar, narrow column, footer."""

from __future__ import annotations

import reflex as rx

from .registry import register

ACCENT_BUTTON = {"background": "var(--accent)", "color": "var(--accent-ink)"}


def portal_layout(
    shop_name: rx.Var | str,
    accent: rx.Var | str,
    *children: rx.Component,
    logo: rx.Var | str = "",
    ink: rx.Var | str = "#ffffff",
    text: rx.Var | str = "#334155",
    width: str = "40rem",
) -> rx.Component:
    """Header, main and footer landmarks around a narrow column. The accent, the text colour that reads
    on it (`ink`) and a shade of it that reads on white (`text`) are CSS variables the parts use."""
    return rx.box(
        rx.el.header(
            rx.hstack(
                rx.cond(
                    logo != "",
                    rx.box(
                        rx.image(
                            src=logo, alt="", height="2rem", max_width="8rem", object_fit="contain", id="shop-logo"
                        ),
                        background="white",
                        border_radius="6px",
                        padding="0.2rem 0.4rem",
                    ),
                    rx.center(
                        rx.icon("wrench", size=18, color="var(--accent-ink)", aria_hidden="true"),
                        width="2rem",
                        height="2rem",
                        border_radius="8px",
                        background="rgba(127,127,127,0.2)",
                    ),
                ),
                rx.text(shop_name, size="5", weight="bold", color="var(--accent-ink)", id="shop-name"),
                spacing="3",
                align="center",
                max_width=width,
                margin="0 auto",
            ),
            background="var(--accent)",
            padding="1rem 1.25rem",
        ),
        rx.el.main(
            rx.vstack(*children, spacing="4", width="100%"),
            max_width=width,
            margin="0 auto",
            padding="1.25rem 1rem 2.5rem",
            id="main",
        ),
        rx.el.footer(
            rx.center(rx.text("Powered by Repair Portal", size="1", color="var(--gray-11)"), padding_bottom="1.5rem")
        ),
        background="var(--gray-2)",
        min_height="100vh",
        width="100%",
        overflow_x="hidden",
        class_name="portal-root",
        style={"--accent": accent, "--accent-ink": ink, "--accent-text": text},
    )


def portal_page(route: str, title: str, on_load: list | None = None):
    """Register a customer page (the customer-facing twin of `staff_page`)."""

    def decorator(render):
        register(route, title, render, list(on_load or []))
        return render

    return decorator

"""Pieces of the account portal's asset pages: an asset's card, a defect (with its photos), badges."""

from __future__ import annotations

import reflex as rx

from ..state.portal_assets import AssetCardView, DefectView, PhotoLink

SEVERITY_COLORS = {"low": "gray", "medium": "amber", "high": "orange", "critical": "red"}
# A long result ("Pass · 28 Nov 2026 · No. CERT-881") wraps inside its badge on a phone: Radix badges keep
# one line and never shrink (nowrap, flex-shrink 0), which pushed it past the card's edge.
WRAPS = {"white_space": "normal", "flex_shrink": "1", "line_height": "1.35"}


def result_badge(result, text) -> rx.Component:
    """A test result in words (never colour alone)."""
    return rx.match(
        result,
        (
            "pass",
            rx.badge(
                rx.icon("circle-check", size=16, aria_hidden="true"),
                text,
                color_scheme="green",
                variant="soft",
                high_contrast=True,
                size="2",
                **WRAPS,
            ),
        ),
        (
            "fail",
            rx.badge(
                rx.icon("circle-x", size=16, aria_hidden="true"),
                text,
                color_scheme="red",
                variant="soft",
                high_contrast=True,
                size="2",
                **WRAPS,
            ),
        ),
        rx.badge(text, color_scheme="gray", variant="soft", high_contrast=True, size="2", **WRAPS),
    )


def _line(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.text.span(label + ": ", color_scheme="gray"), value, as_="p"),
    )


def asset_card(card: AssetCardView) -> rx.Component:
    """One asset in the list. Its title is the link, stretched over the whole card (a big tap target) by
    `.asset-card-link::after` in assets/a11y.css: the link's name is the asset's title, not the card's text."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("box", size=20, aria_hidden="true", color="var(--accent-text)"),
                rx.heading(
                    rx.link(card.title, href=card.href, underline="none", class_name="asset-card-link"),
                    as_="h3",
                    size="4",
                    trim="both",
                ),
                spacing="2",
                align="center",
            ),
            rx.cond(
                (card.kind != "") | (card.make_model != ""),
                rx.text(card.kind, rx.cond((card.kind != "") & (card.make_model != ""), " · ", ""), card.make_model),
            ),
            _line("Serial", card.serial),
            _line("Your reference", card.customer_ref),
            _line("Site", card.site),
            _line("Warranty until", card.warranty_until),
            rx.hstack(
                rx.cond(card.last_test != "", result_badge(card.last_result, card.last_test)),
                rx.cond(
                    card.open_defects > 0,
                    rx.badge(
                        rx.icon("triangle-alert", size=16, aria_hidden="true"),
                        card.open_defects,
                        rx.cond(card.open_defects == 1, " open defect", " open defects"),
                        color_scheme="amber",
                        variant="soft",
                        high_contrast=True,
                        size="2",
                    ),
                ),
                wrap="wrap",
                spacing="2",
                width="100%",  # (a content-wide row pushed a long badge past the card's edge on a phone)
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        height="100%",
        class_name="asset-card",
    )


def _photo(photo: PhotoLink) -> rx.Component:
    return rx.link(
        rx.image(
            src=photo.url,
            alt="Photo of the defect",
            width="96px",
            height="96px",
            object_fit="cover",
            border_radius="8px",
        ),
        href=photo.url,
        is_external=True,
        aria_label="Open the photo of the defect",
        style={"display": "inline-block", "min_height": "44px"},
    )


def defect_item(defect: DefectView, *, with_asset: bool) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(
                    defect.severity_label,
                    color_scheme=rx.match(defect.severity, *SEVERITY_COLORS.items(), "gray"),
                    variant="soft",
                    high_contrast=True,
                    size="2",
                ),
                rx.cond(
                    defect.open,
                    rx.badge("Open", color_scheme="amber", variant="outline", high_contrast=True, size="2"),
                    rx.badge(
                        "Fixed on ",
                        defect.fixed_on,
                        color_scheme="green",
                        variant="outline",
                        high_contrast=True,
                        size="2",
                    ),
                ),
                rx.text("Found on ", defect.found_on, color_scheme="gray"),
                wrap="wrap",
                spacing="2",
                align="center",
            ),
            rx.link(
                rx.icon("box", size=16, aria_hidden="true"),
                defect.asset_title,
                href=defect.asset_href,
                class_name="portal-link",
            )
            if with_asset
            else rx.fragment(),
            rx.text(defect.description, white_space="pre-line"),
            rx.cond(defect.photos.length() > 0, rx.hstack(rx.foreach(defect.photos, _photo), wrap="wrap", spacing="2")),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        class_name="asset-defect",
    )

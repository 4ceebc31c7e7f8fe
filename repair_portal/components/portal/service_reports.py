"""The order's approved service reports, as a card of downloads. Takes the list the page's state holds
(`services.service_reports.for_customer`: already authorised, already filtered by the shop's switches)."""

from __future__ import annotations

import reflex as rx

from ...services.service_reports import ServiceReportView
from .common import button_link, section_title


def _report(report: ServiceReportView) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(report.title, size="3", weight="bold"),
            rx.text(
                "Approved ",
                report.approved,
                rx.cond(report.technician != "", rx.fragment(" · Technician: ", report.technician)),
                size="3",
                color_scheme="gray",
            ),
            spacing="1",
            flex="1",
            min_width="12rem",
        ),
        button_link(
            rx.icon("file-down", size=18, aria_hidden="true"),
            "Download PDF",
            href=report.pdf_url,
            soft=True,
            is_external=True,
            aria_label="Download " + report.title + " (PDF)",
        ),
        gap="0.75rem",
        align="center",
        wrap="wrap",
        width="100%",
    )


def service_reports_card(reports) -> rx.Component:
    """`reports`: a Var[list[ServiceReportView]]. Nothing at all renders while the list is empty."""
    return rx.cond(
        reports.length() > 0,
        rx.card(
            rx.vstack(
                section_title("Service reports"),
                rx.foreach(reports, _report),
                spacing="3",
                width="100%",
            ),
            size="2",
            width="100%",
            id="service-reports",
        ),
    )

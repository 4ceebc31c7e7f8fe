"""The staff asset page's dialogs: record a test (with its certificate PDF), record a defect (with photos),
mark a defect fixed."""

from __future__ import annotations

import reflex as rx

from ..state.staff_asset import CERTIFICATE_UPLOAD, PHOTO_UPLOAD
from ..state.staff_asset import StaffAssetState as S
from .ui import dialog_form, form_field, named_upload

SEVERITIES = ("low", "medium", "high", "critical")


def _date_input(element_id: str, value, on_change) -> rx.Component:
    return rx.input(type="date", id=element_id, value=value, on_change=on_change, width="100%")


def test_dialog() -> rx.Component:
    result = rx.select.root(
        rx.select.trigger(id="test-result", width="100%"),
        rx.select.content(rx.select.item("Pass", value="pass"), rx.select.item("Fail", value="fail")),
        value=S.test_values.get("result", "pass"),
        on_change=lambda v: S.set_test_field("result", v),
    )
    upload = named_upload(
        "Choose the certificate PDF",
        rx.vstack(
            rx.icon("upload", size=20, color="var(--gray-10)"),
            rx.text("Drop the certificate PDF here, or click to choose (optional)", size="2", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        id=CERTIFICATE_UPLOAD,
        multiple=False,
        max_files=1,
        max_size=15 * 1024 * 1024,
        accept={"application/pdf": [".pdf"]},
        border="1px dashed var(--gray-7)",
        border_radius="10px",
        padding="1rem",
        width="100%",
    )
    return dialog_form(
        form_field(
            "Tested on",
            _date_input("test-date", S.test_values.get("tested_on", ""), lambda v: S.set_test_field("tested_on", v)),
            "test-date",
            S.test_errors.get("tested_on", ""),
        ),
        form_field("Result", result, "test-result", S.test_errors.get("result", "")),
        form_field(
            "Test or certificate number",
            rx.input(
                id="test-number",
                value=S.test_values.get("number", ""),
                on_change=lambda v: S.set_test_field("number", v),
                width="100%",
            ),
            "test-number",
            S.test_errors.get("number", ""),
        ),
        form_field(
            "Notes",
            rx.text_area(
                id="test-notes",
                value=S.test_values.get("notes", ""),
                on_change=lambda v: S.set_test_field("notes", v),
                rows="3",
                width="100%",
            ),
            "test-notes",
            S.test_errors.get("notes", ""),
        ),
        rx.vstack(
            rx.text("Certificate (PDF)", size="2", weight="medium"),
            upload,
            rx.hstack(rx.foreach(rx.selected_files(CERTIFICATE_UPLOAD), lambda n: rx.badge(n, variant="soft"))),
            rx.cond(
                S.test_errors.contains("certificate"),
                rx.text(S.test_errors.get("certificate", ""), size="1", color_scheme="red", role="alert"),
            ),
            spacing="1",
            width="100%",
        ),
        title="Record a test",
        description="The customer sees the result, the number and the certificate on their portal.",
        error=S.test_error,
        on_submit=lambda _form: S.handle_record_test(rx.upload_files(upload_id=CERTIFICATE_UPLOAD)),
        submit=rx.button("Save test", type="submit", id="test-save"),
        ids=("test-form", "test-form-error", "test-cancel"),
        open=S.test_open,
        on_open_change=S.set_test_open,
    )


def defect_dialog() -> rx.Component:
    severity = rx.select.root(
        rx.select.trigger(id="defect-severity", width="100%"),
        rx.select.content(*[rx.select.item(k.title(), value=k) for k in SEVERITIES]),
        value=S.defect_values.get("severity", "medium"),
        on_change=lambda v: S.set_defect_field("severity", v),
    )
    upload = named_upload(
        "Choose photos of the defect",
        rx.vstack(
            rx.icon("camera", size=20, color="var(--gray-10)"),
            rx.text("Drop photos here, or click to choose (optional)", size="2", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        id=PHOTO_UPLOAD,
        multiple=True,
        max_files=12,
        max_size=15 * 1024 * 1024,
        accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
        border="1px dashed var(--gray-7)",
        border_radius="10px",
        padding="1rem",
        width="100%",
    )
    return dialog_form(
        form_field("Severity", severity, "defect-severity", S.defect_errors.get("severity", "")),
        form_field(
            "What is wrong",
            rx.text_area(
                id="defect-description",
                value=S.defect_values.get("description", ""),
                on_change=lambda v: S.set_defect_field("description", v),
                rows="3",
                width="100%",
            ),
            "defect-description",
            S.defect_errors.get("description", ""),
        ),
        form_field(
            "Found on",
            _date_input(
                "defect-date", S.defect_values.get("found_on", ""), lambda v: S.set_defect_field("found_on", v)
            ),
            "defect-date",
            S.defect_errors.get("found_on", ""),
        ),
        rx.vstack(
            rx.text("Photos", size="2", weight="medium"),
            upload,
            rx.hstack(rx.foreach(rx.selected_files(PHOTO_UPLOAD), lambda n: rx.badge(n, variant="soft")), wrap="wrap"),
            rx.cond(
                S.defect_errors.contains("photos"),
                rx.text(S.defect_errors.get("photos", ""), size="1", color_scheme="red", role="alert"),
            ),
            spacing="1",
            width="100%",
        ),
        title="Record a defect",
        description="Photos are stored without their location data. The customer sees defects on their portal.",
        error=S.defect_error,
        on_submit=lambda _form: S.handle_record_defect(rx.upload_files(upload_id=PHOTO_UPLOAD)),
        submit=rx.button("Save defect", type="submit", id="defect-save"),
        ids=("defect-form", "defect-form-error", "defect-cancel"),
        open=S.defect_open,
        on_open_change=S.set_defect_open,
    )


def fix_dialog() -> rx.Component:
    return dialog_form(
        form_field("Fixed on", _date_input("fix-date", S.fix_date, S.set_fix_date), "fix-date", ""),
        title="Mark the defect fixed",
        description="It moves to the fixed defects, on this page and on the customer's portal.",
        error=S.fix_error,
        on_submit=lambda _form: S.handle_mark_fixed(),
        submit=rx.button("Mark fixed", type="submit", id="fix-save"),
        ids=("fix-form", "fix-form-error", "fix-cancel"),
        open=S.fix_open,
        on_open_change=S.set_fix_open,
        max_width="24rem",
    )

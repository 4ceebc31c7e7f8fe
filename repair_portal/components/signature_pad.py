"""An on-screen signature pad (touch and mouse): react-signature-canvas wrapped for Reflex."""

from __future__ import annotations

import reflex as rx

from ..state.script import CLEAR_JS, PAD_ID, READ_PNG_JS, read_signature  # noqa: F401 (the pad's API)


class SignatureCanvas(rx.NoSSRComponent):
    library = "react-signature-canvas@1.0.7"
    lib_dependencies: list[str] = ["prop-types@15.8.1"]
    tag = "SignatureCanvas"
    is_default = True

    pen_color: rx.Var[str]
    canvas_props: rx.Var[dict]
    min_width: rx.Var[float]
    max_width: rx.Var[float]


def signature_pad(label: str = "Sign with your finger or mouse") -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(label, size="2", weight="medium"),
            rx.spacer(),
            rx.button(
                "Clear",
                type="button",
                variant="ghost",
                size="1",
                on_click=rx.call_script(CLEAR_JS),
                id="signature-clear",
            ),
            width="100%",
            align="center",
        ),
        rx.box(
            SignatureCanvas.create(
                id=PAD_ID,
                pen_color="#0f172a",
                min_width=1.2,
                max_width=2.8,
                canvas_props={
                    "width": 340,
                    "height": 150,
                    "className": "signature-canvas",
                    "style": {"width": "100%", "height": "150px", "touchAction": "none"},
                },
            ),
            border="1px dashed var(--gray-7)",
            border_radius="10px",
            background="white",
            width="100%",
            overflow="hidden",
        ),
        spacing="1",
        width="100%",
    )

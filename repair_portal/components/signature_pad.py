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


def _choice(value: str, text: str, checked: bool) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="radio",
            name="sign_method",
            value=value,
            default_checked=checked,
            class_name="sign-method-radio",
            id=f"sign-method-{value}",
        ),
        rx.text(text, size="3"),
        class_name="sign-method-option",
    )


def signature_pad(label: str = "Sign with your finger or mouse") -> rx.Component:
    """Draw, or type: the typed name is drawn in a handwriting font on the server (the same evidence).

    Which one shows is pure CSS on the radio buttons (assets/a11y.css), so choosing needs no round trip."""
    return rx.vstack(
        rx.el.fieldset(
            rx.el.legend(rx.text("How do you want to sign?", size="3", weight="medium")),
            rx.flex(
                _choice("drawn", "Draw my signature", True),
                _choice("typed", "Type my name as my signature", False),
                gap="0.25rem 1rem",
                wrap="wrap",
            ),
            class_name="sign-method",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(label, size="3", id="signature-pad-label"),
                rx.spacer(),
                rx.button(
                    "Clear",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    on_click=rx.call_script(CLEAR_JS),
                    id="signature-clear",
                    aria_label="Clear the signature",
                    min_height="44px",
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
                        "role": "img",
                        "aria-label": "Signature pad. Draw your signature here with a finger, stylus or mouse, "
                        "or choose “Type my name as my signature” above.",
                        "style": {"width": "100%", "height": "150px", "touchAction": "none"},
                    },
                ),
                border="1px dashed var(--gray-8)",
                border_radius="10px",
                background="white",
                width="100%",
                overflow="hidden",
            ),
            spacing="1",
            width="100%",
            class_name="signature-draw",
        ),
        rx.box(
            rx.text(
                "Your full name, as typed above, becomes your signature, written like this:",
                size="3",
            ),
            rx.text("Your Name", class_name="signature-typed-sample", aria_hidden="true"),
            class_name="signature-typed-note",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )

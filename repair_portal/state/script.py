"""Scripts the server asks the browser to run: text put on the page without keeping it in state
(links that are credentials), and reading the signature pad."""

from __future__ import annotations

import json

import reflex as rx


def fill_text_script(element_id: str, text: str) -> str:
    """JavaScript that writes `text` into the element once it has rendered (the state change that
    renders it may arrive in the same reply, and React draws it a moment later)."""
    return (
        f"(function put(n){{const el=document.getElementById({json.dumps(element_id)});"
        f"if(el){{el.textContent={json.dumps(text)};}}else if(n<100){{setTimeout(()=>put(n+1),20);}}}})(0)"
    )


PAD_ID = "signature-pad"
_REF = f"refs['ref_{PAD_ID.replace('-', '_')}']"
# '' when nothing was drawn, else a PNG data URL (verified again with Pillow on the server).
READ_PNG_JS = f"({_REF} && {_REF}.current && !{_REF}.current.isEmpty()) ? {_REF}.current.toDataURL('image/png') : ''"
CLEAR_JS = f"{_REF} && {_REF}.current && {_REF}.current.clear()"


def read_signature(callback) -> rx.event.EventSpec:
    """Ask the browser for the drawn signature (components/signature_pad.py); `callback` receives ''
    or a PNG data URL."""
    return rx.call_script(READ_PNG_JS, callback=callback)

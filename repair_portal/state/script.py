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


def focus_script(element_id: str) -> str:
    """Move the focus to an element once it is drawn (a heading gets tabindex -1 for it)."""
    return (
        f"(function f(n){{const el=document.getElementById({json.dumps(element_id)});"
        "if(el){if(!el.hasAttribute('tabindex'))el.setAttribute('tabindex','-1');el.focus();}"
        "else if(n<100){setTimeout(()=>f(n+1),20);}})(0)"
    )


def scroll_script(element_id: str) -> str:
    """Scroll an element into view once it is drawn (a part of the page that the loader fills)."""
    return (
        f"(function s(n){{const el=document.getElementById({json.dumps(element_id)});"
        "if(el){el.scrollIntoView({block:'start'});}else if(n<100){setTimeout(()=>s(n+1),20);}})(0)"
    )


NO_SIGNATURE = "Please sign in the box above, or choose “Type my name as my signature”."
PAD_ID = "signature-pad"
_REF = f"refs['ref_{PAD_ID.replace('-', '_')}']"
# '' when nothing was drawn, else a PNG data URL (verified again with Pillow on the server).
READ_PNG_JS = f"({_REF} && {_REF}.current && !{_REF}.current.isEmpty()) ? {_REF}.current.toDataURL('image/png') : ''"
CLEAR_JS = f"{_REF} && {_REF}.current && {_REF}.current.clear()"


def read_signature(callback, form_data: dict | None = None):
    """The signature the form chose (components/signature_pad.py): typed, `callback` gets TYPED at
    once (the server draws the typed name); drawn, the browser is asked for the pad's PNG and
    `callback` receives '' or a PNG data URL."""
    from ..services.signatures import TYPED

    if form_data is not None and str(form_data.get("sign_method", "")) == "typed":
        return callback(TYPED)
    return rx.call_script(READ_PNG_JS, callback=callback)

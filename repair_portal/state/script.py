"""Putting text on the page without keeping it in state (links that are credentials)."""

from __future__ import annotations

import json


def fill_text_script(element_id: str, text: str) -> str:
    """JavaScript that writes `text` into the element once it has rendered (the state change that
    renders it may arrive in the same reply, and React draws it a moment later)."""
    return (
        f"(function put(n){{const el=document.getElementById({json.dumps(element_id)});"
        f"if(el){{el.textContent={json.dumps(text)};}}else if(n<100){{setTimeout(()=>put(n+1),20);}}}})(0)"
    )

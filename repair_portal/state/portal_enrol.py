"""Putting a TOTP secret and recovery codes on the page without keeping them in state.

The QR code, the secret for typing in by hand and the recovery codes are secrets shown once: they
reach this one tab as a script that writes them into the page, never a state var (state outlives the
moment and can be read again with the tab's client token).
"""

from __future__ import annotations

import base64
import json

from ..integrations.qr import qr_png
from ..services.portal_mfa import Enrolment

QR_ID = "totp-qr"
SECRET_ID = "totp-secret"  # noqa: S105 (an element id, not a secret)
CODES_ID = "recovery-codes"


def enrolment_script(enrolment: Enrolment) -> str:
    """The QR image and the grouped secret, written in once both elements are drawn."""
    src = "data:image/png;base64," + base64.b64encode(qr_png(enrolment.uri, box_size=6, border=2)).decode("ascii")
    return (
        f"(function put(n){{const q=document.getElementById({json.dumps(QR_ID)}),"
        f"s=document.getElementById({json.dumps(SECRET_ID)});"
        f"if(q&&s){{q.src={json.dumps(src)};s.textContent={json.dumps(enrolment.grouped_secret)};}}"
        "else if(n<100){setTimeout(()=>put(n+1),20);}})(0)"
    )


def codes_script(codes) -> str:
    """The recovery codes as list items (read out one by one by a screen reader)."""
    return (
        f"(function put(n){{const el=document.getElementById({json.dumps(CODES_ID)});"
        f"if(el){{el.replaceChildren(...{json.dumps(list(codes))}.map(c=>{{const li=document.createElement('li');"
        "li.textContent=c;return li;}));}else if(n<100){setTimeout(()=>put(n+1),20);}})(0)"
    )


COPY_CODES_JS = (
    f"navigator.clipboard.writeText([...document.querySelectorAll('#{CODES_ID} li')].map(li=>li.textContent)"
    ".join('\\n'))"
)

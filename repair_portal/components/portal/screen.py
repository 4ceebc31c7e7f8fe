"""What the order components read and call, bound once per page.

The components never import a page's state: `/track` binds them to its state (link visitor and staff
preview), and the account portal binds them to its own, which holds the same `PortalView` for an
order the signed-in account may see and offers the same handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OrderScreen:
    view: Any  # Var[services.portal_view.PortalView]: the order as its customer may see it, less its messages
    stage: Any  # Var[services.portal_view.StageView]: its stage and timeline (a var of their own)
    thread: Any  # Var[list[services.messages.ThreadItem]]: its messages (a var of their own)
    docs_base: Any  # Var[str]: where this page serves the order's files and PDFs (…/files/<id>, …/invoice.pdf)
    qr_src: Any  # Var[str]: the QR code image of this page's link ("" for none)
    highlight: Any  # Var[str]: the part a live update just changed (stage, files, payments, messages)
    preview: Any  # Var[bool]: a staff preview (every control switched off)
    tab: Any  # Var[str]: the tab shown first (from ?tab=); switching tabs happens in the browser
    reload: Any  # re-reads the view (the live channel calls it)
    on_message: Any  # form handlers: a message to the shop, feedback
    on_feedback: Any
    quote: Any  # the quote tab's state class (its vars and the approve/decline/sign handlers)
    reports: Any = None  # Var[list[ServiceReportView]]: the order's approved service reports
    upload: Any = None  # a component under the files (the account portal's "add photos or PDFs"), or None
    pay: Any = None  # the pay-online state class (state/order_pay.py), or None for no online payment
    texts: Any = None  # the "Text me updates" state class (state/track_texts.py), or None for no switch

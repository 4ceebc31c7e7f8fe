"""Small typed rows the staff order page renders (rx.foreach needs typed lists)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class HistoryRow:
    stage: str
    color: str
    at: str
    by: str


@dataclasses.dataclass
class EmailRow:
    id: int
    template: str
    recipient: str
    status: str
    when: str
    error: str


@dataclasses.dataclass
class ThreadRow:
    id: int
    from_customer: bool
    author: str
    body: str
    at: str
    is_feedback: bool
    by_text: bool = False


@dataclasses.dataclass
class QuoteFormRow:
    description: str
    quantity: str
    price: str
    optional: bool


@dataclasses.dataclass
class FileItemRow:
    id: int
    title: str
    kind: str
    visible: bool
    size_kb: int


@dataclasses.dataclass
class StageOption:
    id: str
    name: str


@dataclasses.dataclass
class ChoiceOption:
    id: str
    name: str


@dataclasses.dataclass
class ActivityRow:
    at: str
    who: str
    what: str
    icon: str

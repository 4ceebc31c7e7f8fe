"""Pages register themselves here; repair_portal.py adds them to the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageSpec:
    route: str
    title: str
    render: Callable[[], Any]
    on_load: list = field(default_factory=list)


PAGES: list[PageSpec] = []


def register(route: str, title: str, render: Callable[[], Any], on_load: list) -> None:
    PAGES.append(PageSpec(route, title, render, on_load))

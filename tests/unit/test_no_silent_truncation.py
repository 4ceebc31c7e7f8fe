"""No `maxlength` on the pages' inputs: over-long text is refused with a message and loses nothing, never cut.

A browser cuts what is pasted into (or typed past) an input's `maxlength` without a word: a 140-character
password from a password manager becomes 128 characters, the tail of a long message is gone. The server
refuses an over-long value with a message that names the field and its limit instead (services/text_input.py
and each form's service), and the form keeps what was typed. So the limit lives on the server only, and this
test fails when a `max_length=` prop (or `maxlength` / `maxLength`, in a prop or an attribute dict) comes back
to repair_portal/components or repair_portal/pages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "repair_portal"
WHERE = (ROOT / "components", ROOT / "pages")
NAMES = {"max_length", "maxlength"}  # compared case-insensitively: maxLength, MaxLength too

WHY = (
    "Don't limit an input's length in the browser: a `maxlength` makes the browser cut pasted text (and stop "
    "typing) at the limit without a word. Check the length in the service instead (services/text_input.clean_text "
    "or the form's own check), which refuses over-long text with a message naming the field and the limit, and "
    "leave the prop off."
)


def _offences(source: str, filename: str = "<source>") -> list[str]:
    """`file:line what` for every length limit handed to a component in `source`."""
    found = []

    def hit(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{node.lineno} {what}")

    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.keyword) and node.arg and node.arg.lower() in NAMES:
            hit(node.value, f"{node.arg}=")  # rx.input(max_length=...), field(..., maxLength=...)
        elif isinstance(node, ast.arg) and node.arg.lower() in NAMES:
            hit(node, f"parameter {node.arg}")  # a helper that passes a limit on to an input
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in NAMES:
            hit(node, f"{node.value!r}")  # custom_attrs={"maxlength": ...}, **{"max_length": ...}
    return found


def _sources() -> list[Path]:
    return sorted(path for folder in WHERE for path in folder.rglob("*.py"))


def test_no_input_on_any_page_has_a_maxlength():
    assert len(_sources()) > 50, "the components and pages moved: point WHERE at them again"
    offences = [o for path in _sources() for o in _offences(path.read_text(), str(path.relative_to(ROOT.parent)))]
    assert not offences, WHY + "\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "source",
    [
        'rx.input(name="reason", max_length=500)',
        'rx.text_area(name="body", rows="3", maxLength=2000)',
        'rx.input(custom_attrs={"maxlength": "40"})',
        'rx.el.input(**{"max_length": 40})',
        "def _area(field, rows, max_length):\n    return rx.text_area(name=field)",
    ],
)
def test_the_check_finds_a_limit_however_it_is_written(source):
    assert _offences(source)


def test_the_check_leaves_other_limits_alone():
    """The password rule's constants, a minimum length and the server's own checks are fine on a page."""
    source = (
        "from ...services.passwords import MAX_LENGTH, MIN_LENGTH\n"
        'hint = f"{MIN_LENGTH}–{MAX_LENGTH} characters"\n'
        'rx.input(name="password", min_length=MIN_LENGTH, max_files=1)\n'
    )
    assert _offences(source) == []

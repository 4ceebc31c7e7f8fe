"""axe-core (from the npm registry, installed by `make setup-dev` into .tools/) run inside the page.

`check(page, label)` asserts no critical or serious violation (WCAG 2.0/2.1/2.2 A and AA rules) and
prints the rule ids of moderate and minor ones, so the test log shows what is left."""

from __future__ import annotations

import json
import os
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"critical", "serious"}


def run(page) -> list[dict]:
    """axe's violations on the page as it is now: [{id, impact, help, nodes: [target, ...]}]."""
    # Colours are measured as they end up: wait for opening dialogs and fades to finish first.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the app's CSP forbids inline <script> tags (rightly).
        page.evaluate(AXE_JS.read_text() + "\n;true")
    result = page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
            // Toasts come and go on their own timer: one fading out mid-check reads as low contrast.
            const context = {exclude: [['[data-sonner-toaster]']]};
            const r = await window.axe.run(context, options);
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        TAGS,
    )
    return result


def check(page, label: str) -> list[dict]:
    """Fail on any critical or serious violation; print the rest. Returns every violation found."""
    found = run(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    others = sorted({f"{v['id']} ({v['impact']})" for v in found if v["impact"] not in BLOCKING})
    width = page.viewport_size["width"] if page.viewport_size else "?"
    named = ", ".join(sorted({f"{v['id']} ({v['impact']})" for v in blocking}))
    print(f"axe {label} @{width}px: {len(blocking)} serious/critical {named}; other: {', '.join(others) or 'none'}")
    if os.environ.get("AXE_REPORT_ONLY") == "1":  # measuring a baseline: print, don't stop
        return found
    assert not blocking, f"axe on {label} @{width}px:\n" + json.dumps(blocking, indent=1, ensure_ascii=False)
    return found

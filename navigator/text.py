"""Right-to-left names on a terminal.

Names are stored and exported in logical order, as typed. Terminals disagree on
showing them: VTE-based ones (GNOME Terminal, Tilix) reorder right-to-left runs
themselves, while Windows Terminal, iTerm2, xterm.js (the browser) and most others
print cells in the order received. navigator therefore reorders RTL text to visual
order itself (Unicode bidi algorithm, python-bidi) before it reaches the screen.
Set NAVIGATOR_BIDI=terminal on a terminal that does its own reordering.
Reordering never changes a string's cell width, so columns stay aligned.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def has_rtl(text: str) -> bool:
    return bool(_RTL.search(text))


def app_reorders() -> bool:
    return os.environ.get("NAVIGATOR_BIDI", "reorder").strip().lower() != "terminal"


@lru_cache(maxsize=65536)
def _visual(text: str) -> str:
    from bidi import get_display

    return get_display(text)


def display_text(text: str) -> str:
    """Text as it should be drawn: RTL runs in visual order unless the terminal does it."""
    if not text or not has_rtl(text) or not app_reorders():
        return text
    return _visual(text)

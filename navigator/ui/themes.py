"""navigator's two themes: dark by default, and a high-contrast light one for projectors."""

from __future__ import annotations

from textual.theme import Theme

DARK_THEME = "navigator-dark"
LIGHT_THEME = "navigator-light"

THEMES = (
    Theme(
        name=DARK_THEME,
        primary="#5FA8D3",
        secondary="#62B6CB",
        accent="#F2C14E",
        warning="#F2C14E",
        error="#F25F5C",
        success="#70C1B3",
        foreground="#E6E6E6",
        background="#101418",
        surface="#161C22",
        panel="#1E2730",
        dark=True,
    ),
    # High contrast for a projector in a lit room: near-black on white, saturated accents.
    Theme(
        name=LIGHT_THEME,
        primary="#003F88",
        secondary="#00509D",
        accent="#B80000",
        warning="#8A5A00",
        error="#B80000",
        success="#006B3C",
        foreground="#000000",
        background="#FFFFFF",
        surface="#FFFFFF",
        panel="#E8E8E8",
        dark=False,
        luminosity_spread=0.1,
        text_alpha=1.0,
    ),
)

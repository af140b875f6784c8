"""The user's settings: a TOML file in the user's config directory, or `--config FILE`.

```toml
[data]
source = "~/data/lifecycle.duckdb"   # default data file (or source URI)

[display]
theme = "light"          # "dark" (default) or "light" (high contrast, projectors)
cycle_seconds = 20       # presentation mode: seconds per panel
window = 3               # months in a period: 1, 3, 6 or 12
compare = "previous"     # "previous" period or "year" (same period a year earlier)

[filters]                # default filters (market_id, segment, region, team_id)
segment = "Enterprise"

[targets]                # targets per metric key of `navigator report --format json`
nrr = 1.05
win_rate = 0.5
```

A bad file (TOML syntax, an unknown key, a wrong type) is one clear error naming the
key and its line; the command then exits with code 2.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from navigator.data.errors import UsageError

THEMES = ("dark", "light")
WINDOWS = (1, 3, 6, 12)
COMPARES = ("previous", "year")
FILTER_KEYS = ("market_id", "segment", "region", "team_id")


@dataclass(frozen=True)
class Config:
    source: str | None = None
    theme: str | None = None  # None: dark, or light in presentation mode
    cycle_seconds: float = 20.0
    window: int = 3
    compare: str = "previous"
    filters: dict[str, str] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    path: Path | None = None  # where it was read from, if anywhere


def default_config_path() -> Path:
    override = os.environ.get("NAVIGATOR_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("navigator", appauthor=False) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config; an explicit path must exist, the default one may be absent."""
    explicit = path is not None
    path = (path or default_config_path()).expanduser()
    if not path.exists():
        if explicit:
            raise UsageError(f"config file not found: {path}")
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {exc.strerror}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: bad TOML: {exc}") from None
    return parse_config(document, text, path)


def parse_config(document: dict[str, Any], text: str, path: Path) -> Config:
    def fail(section: str, key: str | None, problem: str) -> UsageError:
        where = _line_of(text, section, key)
        name = f"{section}.{key}" if key else section
        return UsageError(f"{path}, line {where}: {name}: {problem}" if where else f"{path}: {name}: {problem}")

    known_sections = {"data", "display", "filters", "targets"}
    for section, body in document.items():
        if section not in known_sections:
            raise fail(section, None, f"unknown section (known: {', '.join(sorted(known_sections))})")
        if not isinstance(body, dict):
            raise fail(section, None, "must be a table, e.g. [" + section + "]")

    data = document.get("data", {})
    display = document.get("display", {})
    filters = document.get("filters", {})
    targets = document.get("targets", {})
    _only(data, {"source"}, "data", fail)
    _only(display, {"theme", "cycle_seconds", "window", "compare"}, "display", fail)
    _only(filters, set(FILTER_KEYS), "filters", fail)

    source = data.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise fail("data", "source", "must be a non-empty string (a file path or source URI)")
    theme = display.get("theme")
    if theme is not None and theme not in THEMES:
        raise fail("display", "theme", f"must be one of {', '.join(map(repr, THEMES))}, got {theme!r}")
    cycle = display.get("cycle_seconds", 20)
    if isinstance(cycle, bool) or not isinstance(cycle, int | float) or not 2 <= cycle <= 3600:
        raise fail("display", "cycle_seconds", f"must be a number of seconds from 2 to 3600, got {cycle!r}")
    window = display.get("window", 3)
    if isinstance(window, bool) or window not in WINDOWS:
        raise fail("display", "window", f"must be one of {', '.join(map(str, WINDOWS))}, got {window!r}")
    compare = display.get("compare", "previous")
    if compare not in COMPARES:
        raise fail("display", "compare", f"must be one of {', '.join(map(repr, COMPARES))}, got {compare!r}")
    for key, value in filters.items():
        if not isinstance(value, str) or not value:
            raise fail("filters", key, f"must be a non-empty string, got {value!r}")

    from navigator.data.report import SPEC_BY_KEY

    checked_targets: dict[str, float] = {}
    for key, value in targets.items():
        if key not in SPEC_BY_KEY:
            raise fail("targets", key, "unknown metric (use a key of `navigator report --format json`)")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail("targets", key, f"must be a number, got {value!r}")
        checked_targets[key] = float(value)

    return Config(
        source=source.strip() if isinstance(source, str) else None,
        theme=theme,
        cycle_seconds=float(cycle),
        window=int(window),
        compare=compare,
        filters=dict(filters),
        targets=checked_targets,
        path=path,
    )


def _only(table: dict[str, Any], allowed: set[str], section: str, fail: Any) -> None:
    for key in table:
        if key not in allowed:
            raise fail(section, key, f"unknown key (known: {', '.join(sorted(allowed))})")


def _line_of(text: str, section: str, key: str | None) -> int | None:
    """The line number of `[section]` or of `key =` inside it (TOML parsers do not report it)."""
    header = re.compile(r"^\s*\[\s*" + re.escape(section) + r"\s*\]\s*(#.*)?$")
    any_header = re.compile(r"^\s*\[")
    assignment = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=") if key else None
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            if assignment is None:
                return number
            inside = True
            continue
        if any_header.match(line):
            inside = False
            continue
        if inside and assignment is not None and assignment.match(line):
            return number
    return None

"""Where navigator finds its SQL and keeps its sample database."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SOURCE_ROOT = PACKAGE_DIR.parent
SAMPLE_FILE_NAME = "sample.duckdb"


def queries_dir() -> Path:
    """The `queries/` folder: bundled inside an installed wheel, or the checkout's own."""
    bundled = PACKAGE_DIR / "queries"
    if bundled.is_dir():
        return bundled
    checkout = SOURCE_ROOT / "queries"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"navigator's SQL files are missing (looked in {bundled} and {checkout})")


def is_source_checkout() -> bool:
    return (SOURCE_ROOT / "pyproject.toml").is_file() and (SOURCE_ROOT / "sample_data").is_dir()


def default_sample_path() -> Path:
    """`sample_data/` in a source checkout, else the user's data directory.

    NAVIGATOR_SAMPLE overrides both (tests use it to stay out of the user's home).
    """
    override = os.environ.get("NAVIGATOR_SAMPLE")
    if override:
        return Path(override).expanduser()
    if is_source_checkout():
        return SOURCE_ROOT / "sample_data" / SAMPLE_FILE_NAME
    from platformdirs import user_data_path

    return user_data_path("navigator", appauthor=False) / SAMPLE_FILE_NAME

"""The dashboard's panels, in tab order. Each takes data in and puts widgets out."""

from __future__ import annotations

from navigator.panels.base import Panel
from navigator.panels.overview import OverviewPanel

PANEL_CLASSES: tuple[type[Panel], ...] = (OverviewPanel,)

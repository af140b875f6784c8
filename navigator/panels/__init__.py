"""The dashboard's panels, in tab order. Each takes data in and puts widgets out."""

from __future__ import annotations

from navigator.panels.base import Panel
from navigator.panels.handoff import HandoffPanel
from navigator.panels.horizon import HorizonPanel
from navigator.panels.lifecycle import LifecyclePanel
from navigator.panels.overview import OverviewPanel
from navigator.panels.reputation import ReputationPanel
from navigator.panels.value import ValuePanel

PANEL_CLASSES: tuple[type[Panel], ...] = (
    OverviewPanel,
    HorizonPanel,
    ReputationPanel,
    HandoffPanel,
    ValuePanel,
    LifecyclePanel,
)

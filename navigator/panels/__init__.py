"""The dashboard's panels, in tab order. Each takes data in and puts widgets out.

`PANELS` says what the panels are (id, title, where the class lives) without importing any of
them: the app builds its tabs, keys and commands from it and imports a panel's module only
when its tab is first shown. `PANEL_CLASSES` is the classes themselves, imported on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from navigator.panels.base import Panel


@dataclass(frozen=True)
class PanelInfo:
    """A panel as the app's chrome needs it, before its module is imported."""

    panel_id: str
    title: str
    module: str  # navigator.panels.<module>
    class_name: str

    def load(self) -> type[Panel]:
        """The panel class (imports its module the first time)."""
        panel_class: type[Panel] = getattr(import_module(f"navigator.panels.{self.module}"), self.class_name)
        return panel_class


PANELS: tuple[PanelInfo, ...] = (
    PanelInfo("overview", "Overview", "overview", "OverviewPanel"),
    PanelInfo("horizon", "Market horizon", "horizon", "HorizonPanel"),
    PanelInfo("reputation", "Reputation assets", "reputation", "ReputationPanel"),
    PanelInfo("handoff", "Hand-off", "handoff", "HandoffPanel"),
    PanelInfo("value", "Value dynamics", "value", "ValuePanel"),
    PanelInfo("lifecycle", "Lifecycle", "lifecycle", "LifecyclePanel"),
)


def __getattr__(name: str) -> Any:
    if name == "PANEL_CLASSES":
        classes = tuple(info.load() for info in PANELS)
        globals()[name] = classes
        return classes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

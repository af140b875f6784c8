"""The Textual dashboard: screens, panels, bindings and workers."""

"""navigator: a terminal dashboard that shows whether a company builds value or extracts it."""

__version__ = "0.1.0"

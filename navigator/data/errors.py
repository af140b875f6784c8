"""Errors that end a command with one plain line on stderr and exit code 2."""


class NavigatorError(Exception):
    """Something the user can fix; the message is the whole story, no traceback."""

    exit_code = 2


class UsageError(NavigatorError):
    """A bad name, parameter or option."""


class DataSourceError(NavigatorError):
    """The data file is missing, unreadable, locked, or not a navigator database."""

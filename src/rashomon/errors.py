"""One exception tree for the whole package.

Library code raises these; the CLI turns them into a single line on stderr and a
non-zero exit. Messages say what happened and what to do about it.
"""

from __future__ import annotations


class RashomonError(Exception):
    """Base class of every expected failure."""

    exit_code = 1


class ConfigError(RashomonError):
    """The configuration or a user-supplied settings file is wrong."""

    exit_code = 2


class InputError(RashomonError):
    """An input the user named cannot be used at all (missing path, bad option)."""

    exit_code = 2


class StoreError(RashomonError):
    """The store cannot be opened or is not a Rashomon store."""


class NotFoundError(RashomonError):
    """A named article, entity or story does not exist in the store."""


class MissingDependency(RashomonError):
    """An optional package (or model package) is not installed."""

    def __init__(self, what: str, install: str) -> None:
        super().__init__(f"{what} is not installed; install it with: {install}")
        self.install = install

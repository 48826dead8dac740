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


class WorkerError(RashomonError):
    """A stage failed on a worker of the distributed engine for a reason of its own (a
    bug, or a worker Ray could not run): the one-line form of what the worker raised.
    ``remote_traceback`` keeps the worker's traceback, when there was one."""

    def __init__(self, message: str, remote_traceback: str = "") -> None:
        super().__init__(message)
        self.remote_traceback = remote_traceback

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.remote_traceback))


class MissingDependency(RashomonError):
    """An optional package (or model package) is not installed."""

    def __init__(self, what: str, install: str) -> None:
        super().__init__(f"{what} is not installed; install it with: {install}")
        self.what = what
        self.install = install

    def __reduce__(self) -> tuple[object, ...]:
        # Picklable (a worker raises it, the driver re-raises it): args are the message.
        return (type(self), (self.what, self.install))

"""One-line errors and warnings that name the file, the line and the fix."""
from __future__ import annotations

from dataclasses import dataclass


def _where(path: str | None, line: int | None) -> str:
    parts = [p for p in (path, str(line) if line else None) if p]
    return ":".join(parts)


class InputError(Exception):
    """Bad input: printed as ``error: FILE:LINE: message``, never as a traceback."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def located(self, path: str) -> "InputError":
        """Return the same error, naming ``path`` if it named no file yet."""
        if self.path is None:
            self.path = path
        return self

    def __str__(self) -> str:
        where = _where(self.path, self.line)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Warn:
    """Something read but fixed on the way, printed as ``warning: FILE:LINE: message``."""

    message: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = _where(self.path, self.line)
        return f"{where}: {self.message}" if where else self.message

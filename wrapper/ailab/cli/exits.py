"""Exit codes, and how an error becomes one (README "Command line" documents the table)."""

from __future__ import annotations

from enum import IntEnum

from ..errors import (
    AilabError,
    ApiError,
    AuthenticationError,
    InsufficientCreditsError,
    InvalidInputError,
    WaitTimeoutError,
)


class ExitCode(IntEnum):
    """What the ``ailab`` process returns."""

    OK = 0
    FAILED = 1
    USAGE = 2
    ACCOUNT = 3
    INTERRUPTED = 130


class CommandError(Exception):
    """An expected failure, reported as one line and an exit code (never a traceback)."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        """``message`` is shown as ``error: message``."""
        super().__init__(message)
        self.code = code


def exit_code(error: BaseException) -> ExitCode:
    """The exit code for an error that ended a command."""
    if isinstance(error, CommandError):
        return error.code
    if isinstance(error, InvalidInputError):
        return ExitCode.USAGE
    if is_account_error(error):
        return ExitCode.ACCOUNT
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.FAILED


def is_account_error(error: BaseException) -> bool:
    """Errors that no other image will escape: a wrong key or an empty account."""
    return isinstance(error, AuthenticationError | InsufficientCreditsError)


def describe(error: AilabError) -> str:
    """The error's message, in command-line terms (the wrapper's speak of Python calls)."""
    if isinstance(error, WaitTimeoutError):
        state = f"still {error.last_status}" if error.last_status else "not finished"
        return f"task {error.task_id} was {state} when --timeout ran out; it carries on at the API"
    return str(error)


def error_code(error: AilabError) -> str:
    """A short code for one-line reports: the API's own code, else the error's class name."""
    if isinstance(error, ApiError) and error.code:
        return error.code
    if isinstance(error, InvalidInputError):
        return "INVALID_INPUT"
    return type(error).__name__

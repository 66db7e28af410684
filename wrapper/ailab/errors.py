"""Everything the package raises. All of it derives from :class:`AilabError`.

No message, attribute or ``repr`` of these classes ever contains the API key.
"""

from __future__ import annotations


class AilabError(Exception):
    """Base class of every error raised by ``ailab``."""


class InvalidInputError(AilabError, ValueError):
    """An argument was rejected before anything was sent (no credits were spent)."""


class ApiError(AilabError):
    """The API answered with a failure.

    Attributes mirror the response envelope; either envelope generation fills them the same way.
    ``status_code`` is the HTTP status, or the envelope's ``error_code`` when the API answered
    HTTP 200 with a non-zero ``error_code``. ``task_may_exist`` is True when a submit failed
    after reaching the service (HTTP 500, 502, 504): a task may have been created and charged.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        code_message: str | None = None,
        api_message: str | None = None,
        request_id: str | None = None,
        log_id: str | None = None,
        task_id: str | None = None,
        task_may_exist: bool = False,
    ) -> None:
        """Build the error; ``message`` is the human-readable summary."""
        super().__init__(message)
        self.task_may_exist = task_may_exist
        self.status_code = status_code
        self.code = code
        self.code_message = code_message
        self.message = api_message
        self.request_id = request_id
        self.log_id = log_id
        self.task_id = task_id


class AuthenticationError(ApiError):
    """HTTP 401/403: the API key is unknown, wrong or its account is locked."""


class InsufficientCreditsError(ApiError):
    """HTTP 429 ``ERROR_NOT_ENOUGH_CREDITS``: top up before retrying."""


class RateLimitError(ApiError):
    """HTTP 429 ``EXCEEDING_LIMITS``: still limited after every allowed retry."""


class ServerError(ApiError):
    """HTTP 5xx: the service failed (after every allowed retry, where retrying is safe)."""


class TaskFailedError(ApiError):
    """The task was accepted, but the result query reports that it failed."""


class TaskNotFoundError(ApiError):
    """The result query does not know the task: a wrong id, or older than the retention time."""


class WaitTimeoutError(AilabError, TimeoutError):
    """The overall deadline passed before the task finished. The task is not lost.

    Resume with ``client.wait(err.task_id, operation=err.operation)``.
    """

    def __init__(
        self, message: str, *, task_id: str, operation: str | None, last_status: str | None
    ) -> None:
        """Build the error with what is needed to resume."""
        super().__init__(message)
        self.task_id = task_id
        self.operation = operation
        self.last_status = last_status


class UnexpectedResponseError(AilabError):
    """The API answered something this client cannot interpret.

    Non-JSON bodies, HTML error pages, an unknown ``task_status``, a completed task without a
    result. ``status_code`` is the HTTP status; ``task_id`` is set when a task is known.
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, task_id: str | None = None
    ) -> None:
        """Build the error."""
        super().__init__(message)
        self.status_code = status_code
        self.task_id = task_id


class TransportError(AilabError):
    """No HTTP answer: the connection failed or timed out (after every allowed retry).

    ``request_sent`` is False when the failure happened before the request left this machine.
    """

    def __init__(self, message: str, *, request_sent: bool, task_id: str | None = None) -> None:
        """Build the error."""
        super().__init__(message)
        self.request_sent = request_sent
        self.task_id = task_id


class ClientClosedError(AilabError):
    """The client (or the httpx client given to it) was closed before this call."""


class SubmissionUncertainError(AilabError):
    """A submit may have reached the API, but no task id came back.

    The task may exist (and be charged). It was deliberately not resent: resubmitting could pay
    for the same work twice. Check the account's task list before submitting again.
    """


class DownloadError(AilabError):
    """A result file could not be downloaded (no partial file is left behind)."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        """Build the error."""
        super().__init__(message)
        self.status_code = status_code


class ResultExpiredError(DownloadError):
    """The result URL answered 403/404: result files are kept for a limited time only."""

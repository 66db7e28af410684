"""Typed Python client for the AILabTools portrait-retouching APIs.

``Client`` (blocking) and ``AsyncClient`` (asyncio) submit a task, poll it until it is done and
return a :class:`Result` whose files can be downloaded or saved. Everything raised derives from
:class:`AilabError`. See README "Use the client".
"""

from .client import AsyncClient, Client
from .errors import (
    AilabError,
    ApiError,
    AuthenticationError,
    ClientClosedError,
    DownloadError,
    InsufficientCreditsError,
    InvalidInputError,
    RateLimitError,
    ResultExpiredError,
    ServerError,
    SubmissionUncertainError,
    TaskFailedError,
    TaskNotFoundError,
    TransportError,
    UnexpectedResponseError,
    WaitTimeoutError,
)
from .operations import FaceBeautyProBodyFilterType
from .policy import RetryPolicy
from .results import AsyncResult, Result, StatusChange, Task

FilterType = FaceBeautyProBodyFilterType
"""Face Beauty Pro's 35 named filters (``FilterType.SAKURA``); same as the generated enum."""

__all__ = [
    "AilabError",
    "ApiError",
    "AsyncClient",
    "AsyncResult",
    "AuthenticationError",
    "Client",
    "ClientClosedError",
    "DownloadError",
    "FaceBeautyProBodyFilterType",
    "FilterType",
    "InsufficientCreditsError",
    "InvalidInputError",
    "RateLimitError",
    "Result",
    "ResultExpiredError",
    "RetryPolicy",
    "ServerError",
    "StatusChange",
    "SubmissionUncertainError",
    "Task",
    "TaskFailedError",
    "TaskNotFoundError",
    "TransportError",
    "UnexpectedResponseError",
    "WaitTimeoutError",
]

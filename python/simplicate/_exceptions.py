"""The exceptions simplicate raises, all defined here.

Every error the client raises on purpose derives from ``SimplicateError``::

    SimplicateError
    ├── ConfigurationError          (also a ValueError) bad address, credentials or options
    ├── APIConnectionError          the request did not get an answer
    │   └── APITimeoutError         ... because a connect or total timeout elapsed
    ├── APIStatusError              the server answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429
    │   └── ServerError                 5xx
    │       └── ServiceUnavailableError 503 (maintenance)
    └── DecodeError                 a 2xx answer that is not the JSON envelope

An ``APIStatusError`` carries what the server said: ``errors``, its messages as text (the
message used in ``str(exc)``), and ``error_details``, the same items as sent. The documentation
shows ``"errors": ["No country code given"]``; real answers also hold objects such as
``{"code": 404, "type": "NotFound", "message": "...", "translated_message": "..."}``, which
``errors`` reads as their ``message`` (else ``translated_message``, ``error_message``, else
``"NotFound (404)"``) while ``error_details`` keeps the dict.

Bad arguments to a call (wrong types, an empty path) raise the built-in ``TypeError`` or
``ValueError`` before anything is sent. Messages never contain the API key or secret.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "DecodeError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "SimplicateError",
    "UnprocessableEntityError",
]


class SimplicateError(Exception):
    """Base class of every exception simplicate raises on purpose."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(SimplicateError, ValueError):
    """The client was configured wrongly: address, credentials, timeouts or CA bundle."""


class APIConnectionError(SimplicateError):
    """The request got no answer: DNS, refused connection, TLS failure, broken connection."""

    method: str | None
    url: str | None

    def __init__(self, message: str, *, method: str | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """A connect or total timeout elapsed before the answer was complete."""


class APIStatusError(SimplicateError):
    """The server answered with a status outside 2xx.

    Attributes:
        status_code: the HTTP status.
        errors: the messages of the API's error envelope (``{"errors": [...]}``) as text, or
            ``[]``. A string item is its own message; an object item gives its ``message``,
            else its ``translated_message`` or ``error_message``, else ``"Type (code)"``, else
            its compact JSON. ``errors`` may also be a single string or object; nulls are
            skipped.
        error_details: the same items as the server sent them (strings stay strings, objects
            are dicts), one per message in ``errors``, in the same order; ``[]`` when the body
            is not the envelope.
        body: the parsed JSON body, or its text when it is not JSON.
        method, url: the request that failed (never carrying credentials).
    """

    status_code: int
    errors: list[str]
    error_details: list[Any]
    body: Any
    method: str
    url: str

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        url: str,
        errors: list[str] | None = None,
        body: Any = None,
        error_details: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.method = method
        self.url = url
        self.errors = list(errors or [])
        self.error_details = list(error_details or [])
        self.body = body


class BadRequestError(APIStatusError):
    """400: the request was malformed or named an unknown endpoint."""


class AuthenticationError(APIStatusError):
    """401: the API key or secret is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the API token's user may not do this."""


class NotFoundError(APIStatusError):
    """404: no such record."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was understood but its content is invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests per minute."""


class ServerError(APIStatusError):
    """5xx: a fault or a temporary state on Simplicate's side."""


class ServiceUnavailableError(ServerError):
    """503: Simplicate is in maintenance or overloaded."""


class DecodeError(SimplicateError):
    """A 2xx answer whose body is not the API's JSON envelope."""

    method: str | None
    url: str | None
    status_code: int | None

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.status_code = status_code

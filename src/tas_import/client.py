"""The TAS HTTP client: one start-process call, its retries, and the outcome it ends in.

TAS creates a case atomically and offers no lookup, so the client retries only failures
where the server certainly did nothing: the connection could not be opened, the pool had
no free connection, or TAS responded 429 or 503. A failure after the request may have
reached TAS (read timeout, a dropped connection, 502, 504) ends ``unknown`` and is never
retried, because a retry could create a second case.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx
import simplejson

from tas_import.errors import AuthError, UsageError
from tas_import.i18n import _
from tas_import.payload import encode_start_process
from tas_import.rows import PayloadValue, Status

logger = logging.getLogger(__name__)

START_PROCESS_PATH = "/api/plugins/api-extensions/start-process"

RETRYABLE_STATUSES = frozenset({429, 503})
UNKNOWN_STATUSES = frozenset({502, 504})
AUTH_STATUSES = frozenset({401, 403})

# Keys tried, in order, for the new case's id in a 2xx body.
# NOTE: the real start-process response body is undocumented; these keys are guesses and
# the case id stays None when none of them is present.
CASE_ID_KEYS = ("id", "caseId", "case_id", "iprocId")

_MAX_SERVER_MESSAGE = 200
_MAX_LOGGED_BODY = 300

# Indirection so tests can skip real waiting.
_sleep = asyncio.sleep


@dataclass(frozen=True)
class RetryPolicy:
    """Limits for retrying failures where TAS certainly created nothing."""

    attempts: int = 5  # max attempts for a retryable failure, the first one included
    max_seconds: float = 120.0  # no retry starts after this much time since the first attempt
    base_delay: float = 0.5  # first backoff in seconds; doubles, full jitter
    max_delay: float = 30.0  # cap of one backoff in seconds (Retry-After is not capped)


@dataclass(frozen=True)
class DeliveryOutcome:
    """The result of one start-process call after its retries."""

    status: Status  # Status.CREATED, Status.FAILED or Status.UNKNOWN only
    message: str  # translated reason for the results sheet ("" when created)
    case_id: str | None = None
    http_status: int | None = None
    attempts: int = 1
    reached_server: bool = True  # False: no attempt reached the server (refused, DNS, timeout)


@dataclass(frozen=True)
class _Retry:
    """A failure worth another attempt, and the outcome if no attempt is left."""

    outcome: DeliveryOutcome
    retry_after: float | None = None


class TasClient:
    """Sends start-process requests to one TAS server with one bearer token.

    The token lives only in the default headers of the underlying ``httpx.AsyncClient``;
    it is not stored on this object and never logged. One instance may be shared by
    many concurrent tasks; ``max_connections`` bounds the open connections.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        retry: RetryPolicy = RetryPolicy(),  # frozen, so one shared default is safe
        max_connections: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = _check_base_url(base_url)
        self.timeout = timeout
        self.retry = retry
        self._random = random.Random()

        _check_token(token)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"TasClient(base_url={self.base_url!r}, timeout={self.timeout!r})"

    async def __aenter__(self) -> TasClient:
        await self._http.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def start_process(
        self, process_id: int, data: Mapping[str, PayloadValue]
    ) -> DeliveryOutcome:
        """Create one case; retry only where TAS certainly created nothing.

        Raises AuthError on 401 or 403, because every further request would fail the same
        way and the caller must stop the run.
        """
        body = encode_start_process(process_id, data)
        started = time.monotonic()
        reached_server = False
        attempt = 0

        while True:
            attempt += 1
            result = await self._attempt(process_id, body, attempt)
            if not isinstance(result, _Retry):
                return _with_attempts(result, attempt, reached_server)

            reached_server = reached_server or result.outcome.reached_server
            delay = self._backoff(attempt, result.retry_after)
            elapsed = time.monotonic() - started
            if attempt >= self.retry.attempts or elapsed + delay > self.retry.max_seconds:
                logger.info(
                    "start-process process=%d gave up after %d attempts in %.1fs",
                    process_id,
                    attempt,
                    elapsed,
                )
                return _with_attempts(result.outcome, attempt, reached_server)

            logger.info(
                "start-process process=%d attempt=%d failed (%s), retrying in %.2fs",
                process_id,
                attempt,
                result.outcome.http_status or "no connection",
                delay,
            )
            await _sleep(delay)

    async def _attempt(
        self, process_id: int, body: bytes, attempt: int
    ) -> DeliveryOutcome | _Retry:
        started = time.monotonic()
        try:
            response = await self._http.post(START_PROCESS_PATH, content=body)
        except httpx.TransportError as error:
            logger.debug(
                "start-process process=%d attempt=%d error=%s duration=%.3fs",
                process_id,
                attempt,
                type(error).__name__,
                time.monotonic() - started,
            )
            return self._transport_outcome(error)

        logger.debug(
            "start-process process=%d attempt=%d status=%d duration=%.3fs body=%s",
            process_id,
            attempt,
            response.status_code,
            time.monotonic() - started,
            response.text[:_MAX_LOGGED_BODY],
        )
        return _response_outcome(response)

    def _transport_outcome(self, error: httpx.TransportError) -> DeliveryOutcome | _Retry:
        if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)):
            message = _(
                "Cannot connect to TAS at {url}: {error}. Nothing was sent.",
                url=self.base_url,
                error=_describe(error),
            )
            return _Retry(DeliveryOutcome(Status.FAILED, message, reached_server=False))

        if isinstance(error, httpx.PoolTimeout):
            message = _(
                "No free connection to TAS within the timeout. Nothing was sent; "
                "lower the concurrency."
            )
            return _Retry(DeliveryOutcome(Status.FAILED, message, reached_server=False))

        if isinstance(error, httpx.ReadTimeout):
            message = _(
                "TAS did not answer within {seconds} s. The case may or may not exist: "
                "check in TAS before sending this row again.",
                seconds=f"{self.timeout:g}",
            )
            return DeliveryOutcome(Status.UNKNOWN, message)

        # ReadError, WriteError, WriteTimeout, RemoteProtocolError and any other transport
        # failure once the connection is open: the request may have been processed.
        message = _(
            "The connection to TAS broke after the request was sent ({error}). The case may "
            "or may not exist: check in TAS before sending this row again.",
            error=_describe(error),
        )
        return DeliveryOutcome(Status.UNKNOWN, message)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        ceiling = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
        return self._random.uniform(0, ceiling)


def _response_outcome(response: httpx.Response) -> DeliveryOutcome | _Retry:
    status = response.status_code
    if 200 <= status < 300:
        return DeliveryOutcome(Status.CREATED, "", case_id=_case_id(response), http_status=status)

    server_message = _server_message(response)
    if status in AUTH_STATUSES:
        raise AuthError(
            _(
                "TAS rejected the token (HTTP {status}): it is missing, expired or lacks "
                "rights to start this process. {message}",
                status=status,
                message=server_message,
            ),
            status_code=status,
            hint=_(
                "Set a valid token in TAS_TOKEN or TAS_TOKEN_FILE and run the import again; "
                "the rerun resumes with the rows not yet created."
            ),
        )

    if status in RETRYABLE_STATUSES:
        message = _(
            "TAS was busy (HTTP {status}) on every attempt and created nothing: {message}",
            status=status,
            message=server_message,
        )
        outcome = DeliveryOutcome(Status.FAILED, message, http_status=status)
        return _Retry(outcome, retry_after=_retry_after_seconds(response))

    if status in UNKNOWN_STATUSES:
        message = _(
            "A gateway in front of TAS answered HTTP {status}: {message}. The case may or may "
            "not exist: check in TAS before sending this row again.",
            status=status,
            message=server_message,
        )
        return DeliveryOutcome(Status.UNKNOWN, message, http_status=status)

    message = _(
        "TAS rejected the case (HTTP {status}): {message}", status=status, message=server_message
    )
    return DeliveryOutcome(Status.FAILED, message, http_status=status)


def _with_attempts(
    outcome: DeliveryOutcome, attempts: int, reached_before: bool
) -> DeliveryOutcome:
    return DeliveryOutcome(
        status=outcome.status,
        message=outcome.message,
        case_id=outcome.case_id,
        http_status=outcome.http_status,
        attempts=attempts,
        reached_server=reached_before or outcome.reached_server,
    )


def _json_body(response: httpx.Response) -> Any:
    try:
        return simplejson.loads(response.content, use_decimal=True)
    except (ValueError, UnicodeDecodeError):
        return None


def _case_id(response: httpx.Response) -> str | None:
    body = _json_body(response)
    if not isinstance(body, dict):
        return None

    candidates = [body.get(key) for key in CASE_ID_KEYS]
    nested = body.get("data")
    if isinstance(nested, dict):
        candidates.append(nested.get("id"))

    for candidate in candidates:
        if isinstance(candidate, (str, int)) and not isinstance(candidate, bool):
            text = str(candidate).strip()
            if text:
                return text
    return None


def _server_message(response: httpx.Response) -> str:
    """Return the server's reason: its JSON ``message`` or ``error``, else the body's start."""
    body = _json_body(response)
    if isinstance(body, dict):
        for key in ("message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()

    text = " ".join(response.text.split())
    return text[:_MAX_SERVER_MESSAGE] or response.reason_phrase


def _retry_after_seconds(response: httpx.Response) -> float | None:
    """Parse ``Retry-After`` as seconds or as an HTTP date; None when absent or invalid."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def _describe(error: httpx.TransportError) -> str:
    detail = str(error).strip()
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _check_base_url(base_url: str) -> str:
    url = httpx.URL(base_url.strip())
    if url.scheme not in ("http", "https") or not url.host:
        raise UsageError(
            _("The TAS URL {url} is not an http or https address.", url=base_url),
            hint=_("Give the server's base address, for example https://tas.example.com."),
        )
    return str(url).rstrip("/")


def _check_token(token: str) -> None:
    # Checked here so that httpx never raises an error that carries the token's text.
    if not token or not token.isascii() or not token.isprintable() or " " in token:
        raise UsageError(
            _("The TAS token is empty or contains spaces or non-ASCII characters."),
            hint=_("Copy the token again into TAS_TOKEN or TAS_TOKEN_FILE without extra text."),
        )

"""How TasClient maps HTTP answers and transport errors to outcomes (mock transport)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

import tas_import.client as client_module
from tas_import.client import START_PROCESS_PATH, RetryPolicy, TasClient
from tas_import.errors import AuthError, UsageError
from tas_import.rows import Status

pytestmark = pytest.mark.anyio

TOKEN = "secret-token-123"
FAST = RetryPolicy(attempts=3, max_seconds=60.0, base_delay=0.01, max_delay=0.05)
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record backoff delays instead of waiting."""
    recorded: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(client_module, "_sleep", fake_sleep)
    yield recorded


def sequence(*steps: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """Return a handler that plays ``steps`` in order, and the list of requests it saw."""
    seen: list[httpx.Request] = []
    remaining = list(steps)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = remaining.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    return handle, seen


async def send(handler: Handler, retry: RetryPolicy = FAST) -> client_module.DeliveryOutcome:
    transport = httpx.MockTransport(handler)
    async with TasClient("http://tas.test", TOKEN, retry=retry, transport=transport) as client:
        return await client.start_process(27, {"a": "b"})


def json_response(status: int, body: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "case_id"),
    [
        ({"id": 812}, "812"),
        ({"caseId": "C-9"}, "C-9"),
        ({"case_id": 5}, "5"),
        ({"iprocId": 77}, "77"),
        ({"data": {"id": 41}}, "41"),
        ({"result": "ok"}, None),
        ([1, 2], None),
    ],
)
async def test_created_case_id(body: object, case_id: str | None) -> None:
    handler, _ = sequence(json_response(200, body))

    outcome = await send(handler)

    assert outcome.status is Status.CREATED
    assert outcome.case_id == case_id
    assert outcome.message == ""


async def test_created_without_json_body() -> None:
    handler, _ = sequence(httpx.Response(201, text="Created"))

    outcome = await send(handler)

    assert outcome.status is Status.CREATED
    assert outcome.case_id is None


async def test_request_shape() -> None:
    handler, seen = sequence(json_response(200, {"id": 1}))

    await send(handler)

    request = seen[0]
    assert request.method == "POST"
    assert request.url.path == START_PROCESS_PATH
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.content == b'{"processId":27,"data":{"a":"b"}}'


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (json_response(400, {"error": "X", "message": "Unknown variable a"}), "Unknown variable a"),
        (json_response(500, {"error": "Database down"}), "Database down"),
        (httpx.Response(422, text="<h1>" + "x" * 500 + "</h1>"), "<h1>" + "x" * 196),
        (httpx.Response(404, text=""), "Not Found"),
        (httpx.Response(302, headers={"Location": "/login"}), "Found"),
    ],
)
async def test_error_status_failed(response: httpx.Response, expected: str) -> None:
    handler, seen = sequence(response)

    outcome = await send(handler)

    assert outcome.status is Status.FAILED
    assert outcome.http_status == response.status_code
    assert expected in outcome.message
    assert len(seen) == 1


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_error_raised(status: int) -> None:
    handler, seen = sequence(json_response(status, {"message": "Token expired"}))

    with pytest.raises(AuthError) as caught:
        await send(handler)

    assert caught.value.status_code == status
    assert "expired" in caught.value.message
    assert TOKEN not in caught.value.message
    assert len(seen) == 1


@pytest.mark.parametrize("status", [502, 504])
async def test_gateway_status_unknown(status: int) -> None:
    handler, seen = sequence(httpx.Response(status, text="Bad gateway"))

    outcome = await send(handler)

    assert outcome.status is Status.UNKNOWN
    assert outcome.http_status == status
    assert len(seen) == 1


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.WriteError("broken pipe"),
    ],
)
async def test_dropped_after_send_unknown(error: Exception) -> None:
    handler, seen = sequence(error)

    outcome = await send(handler)

    assert outcome.status is Status.UNKNOWN
    assert outcome.reached_server
    assert len(seen) == 1


@pytest.mark.parametrize("status", [429, 503])
async def test_busy_retried_then_created(status: int, sleeps: list[float]) -> None:
    handler, seen = sequence(
        json_response(status, {"message": "busy"}, **{"Retry-After": "2"}),
        json_response(200, {"id": 9}),
    )

    outcome = await send(handler)

    assert outcome.status is Status.CREATED
    assert outcome.attempts == 2
    assert sleeps == [2.0]
    assert len(seen) == 2


async def test_busy_exhausted_failed(sleeps: list[float]) -> None:
    handler, seen = sequence(*[json_response(503, {"message": "overloaded"})] * 3)

    outcome = await send(handler)

    assert outcome.status is Status.FAILED
    assert outcome.attempts == 3
    assert outcome.reached_server
    assert "overloaded" in outcome.message
    assert len(seen) == 3
    assert len(sleeps) == 2


async def test_retry_after_http_date(sleeps: list[float]) -> None:
    moment = datetime.now(timezone.utc) + timedelta(seconds=20)
    handler, _ = sequence(
        json_response(429, {}, **{"Retry-After": format_datetime(moment, usegmt=True)}),
        json_response(200, {"id": 1}),
    )

    await send(handler)

    assert 15 < sleeps[0] <= 20


async def test_backoff_grows_with_jitter(sleeps: list[float]) -> None:
    policy = RetryPolicy(attempts=5, max_seconds=600, base_delay=1.0, max_delay=3.0)
    handler, _ = sequence(*[httpx.ConnectError("refused")] * 5)

    await send(handler, policy)

    ceilings = [1.0, 2.0, 3.0, 3.0]
    assert len(sleeps) == len(ceilings)
    for delay, ceiling in zip(sleeps, ceilings, strict=True):
        assert 0 <= delay <= ceiling


async def test_retry_after_beyond_budget_gives_up(sleeps: list[float]) -> None:
    policy = RetryPolicy(attempts=5, max_seconds=10, base_delay=0.01, max_delay=0.05)
    handler, seen = sequence(json_response(503, {}, **{"Retry-After": "60"}))

    outcome = await send(handler, policy)

    assert outcome.status is Status.FAILED
    assert sleeps == []
    assert len(seen) == 1


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("timed out")]
)
async def test_connect_failure_exhausted(error: Exception, sleeps: list[float]) -> None:
    handler, seen = sequence(*[error] * 3)

    outcome = await send(handler)

    assert outcome.status is Status.FAILED
    assert not outcome.reached_server
    assert outcome.attempts == 3
    assert len(seen) == 3


async def test_pool_timeout_retried(sleeps: list[float]) -> None:
    handler, _ = sequence(httpx.PoolTimeout("no connection"), json_response(200, {"id": 3}))

    outcome = await send(handler)

    assert outcome.status is Status.CREATED
    assert outcome.attempts == 2


async def test_connect_then_busy_reached_server(sleeps: list[float]) -> None:
    handler, _ = sequence(
        httpx.ConnectError("refused"),
        json_response(503, {}),
        httpx.ConnectError("refused"),
    )

    outcome = await send(handler)

    assert outcome.status is Status.FAILED
    assert outcome.reached_server


async def test_connect_then_timeout_unknown(sleeps: list[float]) -> None:
    handler, seen = sequence(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"))

    outcome = await send(handler)

    assert outcome.status is Status.UNKNOWN
    assert outcome.attempts == 2
    assert len(seen) == 2


async def test_token_not_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    handler, _ = sequence(json_response(400, {"message": "bad"}))
    transport = httpx.MockTransport(handler)

    async with TasClient("http://tas.test", TOKEN, retry=FAST, transport=transport) as client:
        await client.start_process(27, {"a": "b"})
        text = repr(client)

    assert TOKEN not in text
    assert TOKEN not in caplog.text
    assert "start-process process=27 attempt=1 status=400" in caplog.text


@pytest.mark.parametrize("url", ["ftp://tas.test", "tas.test", ""])
def test_invalid_url_rejected(url: str) -> None:
    with pytest.raises(UsageError):
        TasClient(url, TOKEN)


@pytest.mark.parametrize("token", ["", "two words", "tokén", "line\nbreak"])
def test_invalid_token_rejected(token: str) -> None:
    with pytest.raises(UsageError) as caught:
        TasClient("http://tas.test", token)

    if token:
        assert token not in caught.value.message

"""TasClient against the real sandbox over 127.0.0.1: created, failed, auth, refused."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tas_import.client import DeliveryOutcome, RetryPolicy, TasClient
from tas_import.errors import AuthError
from tas_import.rows import Status

# The embedded sandbox fixture of tests/conftest.py.
SandboxFactory = Callable[..., Any]

FAST_RETRY = RetryPolicy(attempts=3, max_seconds=10, base_delay=0.01, max_delay=0.05)


def start_case(url: str, token: str, data: dict[str, Any]) -> DeliveryOutcome:
    async def run() -> DeliveryOutcome:
        async with TasClient(url, token, retry=FAST_RETRY, connect_timeout=2) as client:
            return await client.start_process(27, data)

    return asyncio.run(run())


def test_created_with_case_id(sandbox: SandboxFactory) -> None:
    running = sandbox()
    data = {"fullName": "Šárka Černá", "salary": Decimal("0.10"), "department": "HR"}

    outcome = start_case(running.url, running.token, data)

    assert outcome.status is Status.CREATED
    assert outcome.case_id == "1"
    assert outcome.http_status == 200
    assert running.cases()[0]["data"] == data


def test_invalid_value_failed_with_message(sandbox: SandboxFactory) -> None:
    running = sandbox()

    outcome = start_case(running.url, running.token, {"department": "Sales"})

    assert outcome.status is Status.FAILED
    assert outcome.http_status == 400
    assert "Sales" in outcome.message
    assert running.cases() == []


def test_wrong_token_auth_error(sandbox: SandboxFactory) -> None:
    running = sandbox()

    with pytest.raises(AuthError) as caught:
        start_case(running.url, "expired-token", {"fullName": "x"})

    assert caught.value.status_code == 401
    assert "expired-token" not in caught.value.message


def test_refused_connection_not_reached() -> None:
    # A port that was just free on 127.0.0.1 and has no listener.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    outcome = start_case(f"http://127.0.0.1:{port}", "token", {"fullName": "x"})

    assert outcome.status is Status.FAILED
    assert not outcome.reached_server
    assert outcome.attempts == 3


def test_concurrent_requests_all_created(sandbox: SandboxFactory) -> None:
    running = sandbox()

    async def run() -> list[DeliveryOutcome]:
        async with TasClient(running.url, running.token, max_connections=4) as client:
            tasks = [client.start_process(27, {"employeeNumber": f"E{n}"}) for n in range(40)]
            return await asyncio.gather(*tasks)

    outcomes = asyncio.run(run())

    assert all(outcome.status is Status.CREATED for outcome in outcomes)
    assert len({outcome.case_id for outcome in outcomes}) == 40
    assert len(running.cases()) == 40

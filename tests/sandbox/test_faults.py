"""Each sandbox fault over real sockets, seen through the real TasClient."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tas_import.client import START_PROCESS_PATH, DeliveryOutcome, RetryPolicy, TasClient
from tas_import.rows import Status
from tas_import.sandbox.faults import Fault, FaultPlan

# The embedded sandbox fixture of tests/conftest.py.
SandboxFactory = Callable[..., Any]

FAST_RETRY = RetryPolicy(attempts=5, max_seconds=30, base_delay=0.01, max_delay=0.05)


def start_case(
    url: str, token: str, *, timeout: float = 5.0, number: str = "E1"
) -> DeliveryOutcome:
    async def run() -> DeliveryOutcome:
        async with TasClient(url, token, timeout=timeout, retry=FAST_RETRY) as client:
            return await client.start_process(27, {"employeeNumber": number})

    return asyncio.run(run())


def test_error_500_failed(sandbox: SandboxFactory) -> None:
    running = sandbox(faults=FaultPlan(error_500=1.0))

    outcome = start_case(running.url, running.token)

    assert outcome.status is Status.FAILED
    assert outcome.http_status == 500
    assert running.cases() == []
    assert [event["fault"] for event in running.faults()] == ["error-500"]


@pytest.mark.parametrize(("field", "status"), [("busy_503", 503), ("throttle_429", 429)])
def test_busy_answer_has_retry_after(sandbox: SandboxFactory, field: str, status: int) -> None:
    running = sandbox(faults=FaultPlan(**{field: 1.0}, retry_after_seconds=7))

    response = httpx.post(
        running.url + START_PROCESS_PATH,
        content=b'{"processId":27,"data":{}}',
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=10,
    )

    assert response.status_code == status
    assert response.headers["Retry-After"] == "7"
    assert running.cases() == []


@pytest.mark.parametrize("field", ["busy_503", "throttle_429"])
def test_busy_then_created_after_retry(sandbox: SandboxFactory, field: str) -> None:
    # Seed 1 draws 0.134 first and 0.847 second: a fault, then a normal request.
    running = sandbox(faults=FaultPlan(**{field: 0.5}, retry_after_seconds=0, seed=1))

    outcome = start_case(running.url, running.token)

    assert outcome.status is Status.CREATED
    assert outcome.attempts == 2
    assert len(running.cases()) == 1


def test_drop_before_store_unknown(sandbox: SandboxFactory) -> None:
    running = sandbox(faults=FaultPlan(drop_before_store=1.0))

    outcome = start_case(running.url, running.token)

    assert outcome.status is Status.UNKNOWN
    assert outcome.attempts == 1
    assert running.cases() == []
    [event] = running.faults()
    assert event["fault"] == "drop-before-store"
    assert event["data"] == {"employeeNumber": "E1"}


def test_drop_after_commit_unknown(sandbox: SandboxFactory) -> None:
    running = sandbox(faults=FaultPlan(drop_after_commit=1.0))

    outcome = start_case(running.url, running.token)

    assert outcome.status is Status.UNKNOWN
    [case] = running.cases()
    [event] = running.faults()
    assert event["fault"] == "drop-after-commit"
    assert event["case_id"] == case["case_id"]


def test_slow_after_commit_times_out(sandbox: SandboxFactory) -> None:
    running = sandbox(faults=FaultPlan(slow_after_commit=1.0, slow_seconds=3.0))

    outcome = start_case(running.url, running.token, timeout=0.5)

    assert outcome.status is Status.UNKNOWN
    assert "0.5" in outcome.message
    assert len(running.cases()) == 1


def test_latency_delays_answer(sandbox: SandboxFactory) -> None:
    running = sandbox(faults=FaultPlan(latency_ms=300))

    started = time.monotonic()
    outcome = start_case(running.url, running.token)

    assert outcome.status is Status.CREATED
    assert time.monotonic() - started >= 0.3


def test_invalid_request_with_commit_fault_not_stored(sandbox: SandboxFactory) -> None:
    running = sandbox(faults=FaultPlan(drop_after_commit=1.0))

    outcome = start_case(running.url, running.token, number="E1")
    rejected = httpx.post(
        running.url + START_PROCESS_PATH,
        content=b'{"processId":27,"data":{"nickname":"x"}}',
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=10,
    )

    assert outcome.status is Status.UNKNOWN
    assert rejected.status_code == 400
    assert len(running.cases()) == 1


def test_same_seed_same_faults() -> None:
    plan = FaultPlan(error_500=0.2, busy_503=0.2, drop_after_commit=0.2, seed=42)

    first = [plan.chooser().next_fault() for _ in range(1)]
    chooser_a, chooser_b = plan.chooser(), plan.chooser()
    sequence_a = [chooser_a.next_fault() for _ in range(200)]
    sequence_b = [chooser_b.next_fault() for _ in range(200)]

    assert sequence_a == sequence_b
    assert first == sequence_a[:1]
    assert Fault.NONE in sequence_a
    assert Fault.ERROR_500 in sequence_a


def test_shares_match_plan() -> None:
    chooser = FaultPlan(drop_before_store=0.3, seed=5).chooser()

    drawn = [chooser.next_fault() for _ in range(2000)]

    share = drawn.count(Fault.DROP_BEFORE_STORE) / len(drawn)
    assert 0.25 < share < 0.35


@pytest.mark.parametrize(
    "arguments",
    [{"error_500": 1.5}, {"error_500": -0.1}, {"error_500": 0.6, "busy_503": 0.6}],
)
def test_invalid_plan_rejected(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        FaultPlan(**arguments)

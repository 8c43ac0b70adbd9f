"""The delivery loop against the real sandbox server over 127.0.0.1, with injected faults."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tas_import.client import DeliveryOutcome, RetryPolicy, TasClient
from tas_import.delivery import Delivery
from tas_import.ledger import Ledger, LedgerState
from tas_import.rows import CoercedRow, PayloadValue, RowResult, Status
from tas_import.sandbox.faults import FaultPlan

TEMPLATE = 27
# Short waits keep the fault tests fast; the shares of faults stay realistic.
FAST_RETRY = RetryPolicy(attempts=6, max_seconds=30.0, base_delay=0.01, max_delay=0.05)


def make_rows(count: int) -> list[CoercedRow]:
    return [
        CoercedRow(
            number, {"employeeNumber": f"E{number}", "salary": number * 100}, key=f"E{number}"
        )
        for number in range(2, 2 + count)
    ]


# The `sandbox` fixture of tests/conftest.py starts an embedded sandbox and returns a
# RunningSandbox (url, token, db_path, cases(), faults()).
SandboxFactory = Callable[..., Any]


async def deliver_async(
    client: Any, ledger: Ledger, rows: list[CoercedRow], url: str, **options: Any
) -> tuple[dict[int, RowResult], Delivery]:
    delivery = Delivery(
        client,
        ledger,
        base_url=url,
        template=TEMPLATE,
        source_file="hr.csv",
        run_id="run-test",
        **options,
    )
    results: dict[int, RowResult] = {}
    async for result in delivery.run(rows):
        assert result.number not in results
        results[result.number] = result
    return results, delivery


def deliver(
    url: str,
    ledger: Ledger,
    rows: list[CoercedRow],
    *,
    token: str,
    timeout: float = 10.0,
    **options: Any,
) -> tuple[dict[int, RowResult], Delivery]:
    async def run() -> tuple[dict[int, RowResult], Delivery]:
        async with TasClient(
            url, token, timeout=timeout, retry=FAST_RETRY, max_connections=8
        ) as client:
            return await deliver_async(client, ledger, rows, url, **options)

    return asyncio.run(run())


def case_keys(server: Any) -> Counter[str]:
    return Counter(str(case["data"]["employeeNumber"]) for case in server.cases())


def test_rows_created_once(sandbox: SandboxFactory, tmp_path: Path) -> None:
    server = sandbox()
    rows = make_rows(60)
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        first, _ = deliver(server.url, ledger, rows, token=server.token, concurrency=8)
        second, _ = deliver(server.url, ledger, rows, token=server.token, concurrency=8)

    assert Counter(result.status for result in first.values()) == {Status.CREATED: 60}
    assert Counter(result.status for result in second.values()) == {Status.SKIPPED: 60}
    assert case_keys(server) == Counter(f"E{n}" for n in range(2, 62))


def keys_hit_by(events: list[dict[str, Any]], *faults: str) -> dict[str, int | None]:
    """Return employee number -> case id (None: nothing stored) of the events of ``faults``."""
    return {
        str(event["data"]["employeeNumber"]): event["case_id"]
        for event in events
        if event["fault"] in faults
    }


def settle_from_sandbox(ledger: Ledger, server: Any) -> None:
    """Settle every unknown row as an operator would after looking in TAS."""
    stored = {str(case["data"]["employeeNumber"]): case["case_id"] for case in server.cases()}
    for entry in ledger.entries(state=LedgerState.UNKNOWN):
        case_id = stored.get(entry.identity.row_key)
        ledger.settle(entry.entry_id, created=case_id is not None, case_id=str(case_id))


def test_every_fault_no_duplicates(sandbox: SandboxFactory, tmp_path: Path) -> None:
    """Every fault kind at once, then the operator's follow-up until every row is created.

    Drops after the commit and slow responses leave `unknown` rows, and so do drops before
    the store, because the client cannot tell the two apart. The test settles each unknown
    row from the sandbox's cases, as an operator would from TAS, and reruns. Retryable
    faults (429, 503) end `created` within one run; a 500 ends `failed` and the rerun
    sends the row again.
    """
    plan = FaultPlan(
        latency_ms=2,
        error_500=0.05,
        busy_503=0.05,
        throttle_429=0.05,
        drop_before_store=0.05,
        drop_after_commit=0.05,
        slow_after_commit=0.03,
        slow_seconds=1.5,
        retry_after_seconds=0,
        seed=7,
    )
    server = sandbox(faults=plan)
    rows = make_rows(150)
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        first, _ = deliver(
            server.url, ledger, rows, token=server.token, concurrency=8, timeout=0.5
        )
        events = server.faults()

        no_answer = keys_hit_by(events, "drop-after-commit", "slow-after-commit")
        no_answer |= keys_hit_by(events, "drop-before-store")
        retried = keys_hit_by(events, "busy-503", "throttle-429")
        final_fault = keys_hit_by(events, "error-500") | no_answer

        settle_from_sandbox(ledger, server)
        reruns = []
        for _attempt in range(10):
            results, _ = deliver(
                server.url, ledger, rows, token=server.token, concurrency=8, timeout=5.0
            )
            reruns.append(results)
            if all(r.status in (Status.CREATED, Status.SKIPPED) for r in results.values()):
                break
            settle_from_sandbox(ledger, server)

    for key in no_answer:
        assert first[int(key[1:])].status is Status.UNKNOWN, key
    for key in set(retried) - set(final_fault):
        assert first[int(key[1:])].status is Status.CREATED, key
    assert any(first[int(key[1:])].status is Status.FAILED for key in final_fault)
    assert set(reruns[-1][n].status for n in first) <= {Status.CREATED, Status.SKIPPED}
    assert case_keys(server) == Counter(f"E{n}" for n in range(2, 152))


class TokenExpiresAfter:
    """Sends the first ``count`` requests with the good token, the rest with an expired one."""

    def __init__(self, good: TasClient, expired: TasClient, count: int) -> None:
        self.good = good
        self.expired = expired
        self.remaining = count

    async def start_process(
        self, process_id: int, data: Mapping[str, PayloadValue]
    ) -> DeliveryOutcome:
        self.remaining -= 1
        client = self.good if self.remaining >= 0 else self.expired
        return await client.start_process(process_id, data)


def test_expired_token_stops_run(sandbox: SandboxFactory, tmp_path: Path) -> None:
    server = sandbox(faults=FaultPlan(latency_ms=5))
    rows = make_rows(40)

    async def run(ledger: Ledger) -> tuple[dict[int, RowResult], Delivery]:
        async with (
            TasClient(server.url, server.token, retry=FAST_RETRY, max_connections=4) as good,
            TasClient(server.url, "expired", retry=FAST_RETRY, max_connections=4) as expired,
        ):
            client = TokenExpiresAfter(good, expired, 10)
            return await deliver_async(client, ledger, rows, server.url, concurrency=4)

    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        first, delivery = asyncio.run(run(ledger))
        after_expiry = len(server.cases())
        rerun, _ = deliver(server.url, ledger, rows, token=server.token, concurrency=4)

    counts = Counter(result.status for result in first.values())
    assert delivery.stop_reason is not None
    assert counts[Status.CREATED] == 10
    assert counts[Status.NOT_ATTEMPTED] == 30
    assert after_expiry == 10
    assert Counter(result.status for result in rerun.values()) == {
        Status.SKIPPED: 10,
        Status.CREATED: 30,
    }
    assert case_keys(server) == Counter(f"E{n}" for n in range(2, 42))


def free_port_url() -> str:
    """Return a 127.0.0.1 URL where nothing listens (a port just bound and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_server_down_stops_run(tmp_path: Path) -> None:
    url = free_port_url()
    rows = make_rows(50)
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        results, delivery = deliver(
            url, ledger, rows, token="token", concurrency=2, max_connection_failures=3
        )
        sent = list(ledger.entries())

    counts = Counter(result.status for result in results.values())
    assert delivery.stop_reason is not None
    assert counts[Status.FAILED] <= 4
    assert counts[Status.FAILED] + counts[Status.NOT_ATTEMPTED] == 50
    assert all(entry.state is LedgerState.FAILED for entry in sent)
    assert len(sent) == counts[Status.FAILED]

"""A seeded, reproducible plan of faults the sandbox injects into start-process requests.

Each authenticated start-process request draws one number from ``random.Random(seed)``
and gets at most one fault; the shares are probabilities from 0 to 1 whose sum is at most
1. The same seed gives the same sequence of faults for the same sequence of requests
(concurrent requests may arrive in a different order between runs).
"""

from __future__ import annotations

import enum
import random
import threading
from dataclasses import dataclass


class Fault(str, enum.Enum):
    """A fault the sandbox applies to one request, in addition to its normal handling."""

    NONE = "none"
    ERROR_500 = "error-500"  # 500 before validation; nothing stored
    BUSY_503 = "busy-503"  # 503 with Retry-After; nothing stored
    THROTTLE_429 = "throttle-429"  # 429 with Retry-After; nothing stored
    DROP_BEFORE_STORE = "drop-before-store"  # request read, connection aborted, nothing stored
    DROP_AFTER_COMMIT = "drop-after-commit"  # case committed, connection aborted, no response
    SLOW_AFTER_COMMIT = "slow-after-commit"  # case committed, response delayed by slow_seconds


@dataclass(frozen=True)
class FaultPlan:
    """Fault shares (0..1) per request, a fixed latency, and the seed of the draw."""

    latency_ms: int = 0
    error_500: float = 0.0
    busy_503: float = 0.0
    throttle_429: float = 0.0
    drop_before_store: float = 0.0
    drop_after_commit: float = 0.0
    slow_after_commit: float = 0.0
    slow_seconds: float = 60.0
    retry_after_seconds: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        for name, share in self.shares().items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"fault share {name} must be between 0 and 1, got {share}")
        total = sum(self.shares().values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault shares add up to {total:g}, more than 1")
        if self.latency_ms < 0 or self.slow_seconds < 0 or self.retry_after_seconds < 0:
            raise ValueError("latency, slow delay and Retry-After must not be negative")

    def shares(self) -> dict[str, float]:
        """Return the share of every fault kind by field name."""
        return {name: float(getattr(self, name)) for name in _FAULT_BY_FIELD}

    def chooser(self) -> FaultChooser:
        return FaultChooser(self)


_FAULT_BY_FIELD = {
    "error_500": Fault.ERROR_500,
    "busy_503": Fault.BUSY_503,
    "throttle_429": Fault.THROTTLE_429,
    "drop_before_store": Fault.DROP_BEFORE_STORE,
    "drop_after_commit": Fault.DROP_AFTER_COMMIT,
    "slow_after_commit": Fault.SLOW_AFTER_COMMIT,
}


class FaultChooser:
    """Draws the fault for each request in arrival order from the plan's seeded generator."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)
        self._lock = threading.Lock()

    def next_fault(self) -> Fault:
        with self._lock:
            draw = self._random.random()

        threshold = 0.0
        for name, fault in _FAULT_BY_FIELD.items():
            threshold += float(getattr(self.plan, name))
            if draw < threshold:
                return fault
        return Fault.NONE

"""Injected misbehaviour: latency, rate limiting, denied families, hanging requests.

Faults are drawn from a hash of (seed, request, attempt number) rather than
from a shared random stream, so a run is reproducible even when requests
arrive concurrently in a different order, and a retried request gets a fresh
draw: with fault_rate < 1 it eventually succeeds, as a 429 from Twilio does.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Mapping

# Resource families a read-only Flex auditor reads; deny/hang name these.
FAMILIES = (
    "account", "phone_numbers", "flex_configuration", "flex_flows", "studio",
    "proxy", "messaging", "chat", "conversations", "taskrouter",
)

# Share of injected faults answered 429 (rate limited); the rest are 503.
_SHARE_429 = 0.75


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: float = 0
    fault_rate: float = 0.0
    fault_seed: int = 0
    deny: Mapping[str, int] = field(default_factory=dict)
    hang: frozenset = frozenset()
    hang_seconds: float = 60

    def __post_init__(self):
        if isinstance(self.latency_ms, bool) or not isinstance(self.latency_ms, (int, float)) or self.latency_ms < 0:
            raise ValueError(f"latency_ms must be a number >= 0, got {self.latency_ms!r}")
        if isinstance(self.fault_rate, bool) or not isinstance(self.fault_rate, (int, float)) \
                or not 0 <= self.fault_rate <= 1:
            raise ValueError(f"fault_rate must be a number between 0 and 1, got {self.fault_rate!r}")
        if isinstance(self.fault_seed, bool) or not isinstance(self.fault_seed, int):
            raise ValueError(f"fault_seed must be an integer, got {self.fault_seed!r}")
        if not isinstance(self.deny, Mapping):
            raise ValueError("deny must map family names to HTTP statuses")
        for family, status in self.deny.items():
            _check_family(family, "deny")
            if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError(f"deny[{family!r}] must be an HTTP error status 400-599, got {status!r}")
        if isinstance(self.hang, (str, bytes)):
            raise ValueError("hang must be a list of family names")
        for family in self.hang:
            _check_family(family, "hang")
        if isinstance(self.hang_seconds, bool) or not isinstance(self.hang_seconds, (int, float)) \
                or self.hang_seconds < 0:
            raise ValueError(f"hang_seconds must be a number >= 0, got {self.hang_seconds!r}")
        object.__setattr__(self, "deny", dict(self.deny))
        object.__setattr__(self, "hang", frozenset(self.hang))

    @classmethod
    def from_mapping(cls, data: Mapping) -> "FaultSettings":
        """The scenario's `faults` object (same names as the constructor)."""
        if not isinstance(data, Mapping):
            raise ValueError("must be an object")
        unknown = set(data) - {"latency_ms", "fault_rate", "fault_seed", "deny", "hang", "hang_seconds"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
        values = dict(data)
        if "hang" in values and isinstance(values["hang"], list):
            values["hang"] = frozenset(values["hang"])
        return cls(**values)

    def overridden(self, *, latency_ms=0, fault_rate=0.0, fault_seed=0, deny=None, hang=None,
                   hang_seconds=60) -> "FaultSettings":
        """These settings with explicitly given options on top.

        An option left at its default keeps the scenario's value; deny and hang
        add to the scenario's.
        """
        changes: dict = {}
        if latency_ms:
            changes["latency_ms"] = latency_ms
        if fault_rate:
            changes["fault_rate"] = fault_rate
        if fault_seed:
            changes["fault_seed"] = fault_seed
        if deny:
            changes["deny"] = {**self.deny, **dict(deny)}
        if hang:
            if isinstance(hang, str):
                raise ValueError("hang must be a list of family names")
            changes["hang"] = self.hang | frozenset(hang)
        if hang_seconds != 60:
            changes["hang_seconds"] = hang_seconds
        return replace(self, **changes)


def _check_family(family, option: str) -> None:
    if family not in FAMILIES:
        raise ValueError(f"{option}: unknown family {family!r} (families: {', '.join(FAMILIES)})")


class FaultInjector:
    def __init__(self, settings: FaultSettings):
        self.settings = settings
        self._attempts: Counter = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def injected_status(self, request_key: str) -> int | None:
        """429/503 for this attempt of this request, or None to answer normally."""
        rate = self.settings.fault_rate
        if not rate:
            return None
        with self._lock:
            attempt = self._attempts[request_key]
            self._attempts[request_key] = attempt + 1
        digest = hashlib.sha256(f"{self.settings.fault_seed}\0{request_key}\0{attempt}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        if draw >= rate:
            return None
        return 429 if draw < rate * _SHARE_429 else 503

    def denied_status(self, family: str | None) -> int | None:
        return self.settings.deny.get(family) if family else None

    def hangs(self, family: str | None) -> bool:
        return family in self.settings.hang

    def pause(self, seconds: float) -> None:
        # An Event wait instead of sleep, so stop() releases sleeping requests.
        if seconds > 0:
            self._stopping.wait(seconds)

    def release(self) -> None:
        self._stopping.set()

    def arm(self) -> None:
        self._stopping.clear()

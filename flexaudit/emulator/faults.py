"""Injected misbehaviour: latency, rate limiting, denied families, hanging requests,
and the hostile answers a hardened client must survive (paging loops, foreign
links, trickled or inflating bodies, redirects, Retry-After).

Faults are drawn from a hash of (seed, request, attempt number) rather than
from a shared random stream, so a run is reproducible even when requests
arrive concurrently in a different order, and a retried request gets a fresh
draw: with fault_rate < 1 it eventually succeeds, as a 429 from Twilio does.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import Mapping

# Share of injected faults answered 429 (rate limited); the rest are 503.
_SHARE_429 = 0.75

# Options naming a set of families, and options mapping a family to a value.
_FAMILY_SETS = ("hang", "self_page", "page_cycle", "endless_pages")
_FAMILY_MAPS = ("deny", "next_page_url", "trickle_bps", "gzip_inflate", "redirect", "retry_after", "error_message")

# A gzip body is refused above 64 MiB by the client under test; 4 GiB is
# plenty to prove that, and keeps a typo from pinning a CPU for minutes.
_MAX_INFLATE = 4 << 30


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: float = 0
    fault_rate: float = 0.0
    fault_seed: int = 0
    deny: Mapping[str, int] = field(default_factory=dict)
    hang: frozenset = frozenset()
    hang_seconds: float = 60
    # Paging links, per family (pagefaults.py): next link = the page itself;
    # page 1 leads back to page 0; always one more page; next link = a given URL.
    self_page: frozenset = frozenset()
    page_cycle: frozenset = frozenset()
    endless_pages: frozenset = frozenset()
    next_page_url: Mapping[str, str] = field(default_factory=dict)
    # Delivery, per family (delivery.py): body sent at N bytes/s; gzip body
    # inflating to N bytes; 307 to a Location; 429 with a Retry-After value.
    trickle_bps: Mapping[str, float] = field(default_factory=dict)
    gzip_inflate: Mapping[str, int] = field(default_factory=dict)
    redirect: Mapping[str, str] = field(default_factory=dict)
    retry_after: Mapping[str, str] = field(default_factory=dict)
    retry_after_times: int = 0  # 0: every request; N: the first N attempts of each request
    # The `message` of the family's error answers (deny, 429s, injected faults): any one-line
    # text, control characters included, for clients that must not print it raw.
    error_message: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if isinstance(self.latency_ms, bool) or not isinstance(self.latency_ms, (int, float)) or self.latency_ms < 0:
            raise ValueError(f"latency_ms must be a number >= 0, got {self.latency_ms!r}")
        if isinstance(self.fault_rate, bool) or not isinstance(self.fault_rate, (int, float)) \
                or not 0 <= self.fault_rate <= 1:
            raise ValueError(f"fault_rate must be a number between 0 and 1, got {self.fault_rate!r}")
        if isinstance(self.fault_seed, bool) or not isinstance(self.fault_seed, int):
            raise ValueError(f"fault_seed must be an integer, got {self.fault_seed!r}")
        for name in _FAMILY_MAPS:
            value = getattr(self, name)
            if not isinstance(value, Mapping):
                raise ValueError(f"{name} must map family names to values")
            for family, item in value.items():
                _check_family(family, name)
                _VALUE_CHECKS[name](name, family, item)
            object.__setattr__(self, name, {f: _VALUE_TYPES.get(name, lambda v: v)(v) for f, v in value.items()})
        for name in _FAMILY_SETS:
            value = getattr(self, name)
            if isinstance(value, (str, bytes, Mapping)):
                raise ValueError(f"{name} must be a list of family names")
            for family in value:
                _check_family(family, name)
            object.__setattr__(self, name, frozenset(value))
        if isinstance(self.hang_seconds, bool) or not isinstance(self.hang_seconds, (int, float)) \
                or self.hang_seconds < 0:
            raise ValueError(f"hang_seconds must be a number >= 0, got {self.hang_seconds!r}")
        if isinstance(self.retry_after_times, bool) or not isinstance(self.retry_after_times, int) \
                or self.retry_after_times < 0:
            raise ValueError(f"retry_after_times must be an integer >= 0, got {self.retry_after_times!r}")

    @classmethod
    def from_mapping(cls, data: Mapping) -> "FaultSettings":
        """The scenario's `faults` object (same names as the constructor)."""
        return cls()._with_mapping(data)

    def merged(self, data: Mapping) -> "FaultSettings":
        """These settings with a subaccount's `faults` object on top: what it states
        replaces a scalar, and adds to the family sets and maps."""
        return self._with_mapping(data)

    def _with_mapping(self, data: Mapping) -> "FaultSettings":
        if not isinstance(data, Mapping):
            raise ValueError("must be an object")
        known = {f.name for f in fields(self)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
        changes: dict = {}
        for name, value in data.items():
            if name in _FAMILY_SETS:
                if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
                    raise ValueError(f"{name} must be a list of family names")
                changes[name] = getattr(self, name) | frozenset(value)
            elif name in _FAMILY_MAPS:
                if not isinstance(value, Mapping):
                    raise ValueError(f"{name} must map family names to values")
                changes[name] = {**getattr(self, name), **value}
            else:
                changes[name] = value
        return replace(self, **changes)

    def overridden(self, *, latency_ms=0, fault_rate=0.0, fault_seed=0, deny=None, hang=None,
                   hang_seconds=60, retry_after_times=0, **family_options) -> "FaultSettings":
        """These settings with explicitly given options on top.

        An option left at its default keeps the scenario's value; the family
        sets and maps (deny, hang, self_page, redirect, …) add to the scenario's.
        """
        unknown = set(family_options) - set(_FAMILY_SETS) - set(_FAMILY_MAPS)
        if unknown:
            raise TypeError(f"unknown fault option(s) {', '.join(sorted(unknown))}")
        stated: dict = {"deny": deny, "hang": hang, **family_options}
        if isinstance(hang, str):
            raise ValueError("hang must be a list of family names")
        data = {name: value for name, value in stated.items() if value}
        for name, value, default in (("latency_ms", latency_ms, 0), ("fault_rate", fault_rate, 0.0),
                                     ("fault_seed", fault_seed, 0), ("hang_seconds", hang_seconds, 60),
                                     ("retry_after_times", retry_after_times, 0)):
            if value != default:
                data[name] = value
        return self._with_mapping(data)


def _check_family(family, option: str) -> None:
    from flexaudit.emulator.routes import FAMILIES  # here: the routes import the scenario, which imports this

    if family not in FAMILIES:
        raise ValueError(f"{option}: unknown family {family!r} (families: {', '.join(FAMILIES)})")


def _check_status(name, family, status) -> None:
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"{name}[{family!r}] must be an HTTP error status 400-599, got {status!r}")


def _check_text(name, family, value) -> None:
    if not isinstance(value, str) or not value or any(c in value for c in "\r\n"):
        raise ValueError(f"{name}[{family!r}] must be a non-empty one-line string, got {value!r}")


def _check_positive(name, family, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name}[{family!r}] must be a number > 0, got {value!r}")


def _check_size(name, family, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_INFLATE:
        raise ValueError(f"{name}[{family!r}] must be a byte count 1..{_MAX_INFLATE}, got {value!r}")


def _check_retry_after(name, family, value) -> None:
    # A number of seconds, or any header text (an HTTP date, or garbage a client must survive).
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{name}[{family!r}] must be >= 0, got {value!r}")
        return
    _check_text(name, family, value)


_VALUE_CHECKS = {
    "deny": _check_status,
    "next_page_url": _check_text,
    "trickle_bps": _check_positive,
    "gzip_inflate": _check_size,
    "redirect": _check_text,
    "retry_after": _check_retry_after,
    "error_message": _check_text,
}

# Retry-After is a header: numbers are kept as the text sent.
_VALUE_TYPES = {"retry_after": lambda v: v if isinstance(v, str) else f"{v:g}"}


class FaultInjector:
    def __init__(self, settings: FaultSettings):
        self.settings = settings
        self._attempts: Counter = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def _attempt(self, key: str) -> int:
        with self._lock:
            attempt = self._attempts[key]
            self._attempts[key] = attempt + 1
        return attempt

    def injected_status(self, request_key: str, settings: FaultSettings | None = None) -> int | None:
        """429/503 for this attempt of this request, or None to answer normally."""
        settings = settings or self.settings
        rate = settings.fault_rate
        if not rate:
            return None
        attempt = self._attempt(request_key)
        digest = hashlib.sha256(f"{settings.fault_seed}\0{request_key}\0{attempt}".encode()).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        if draw >= rate:
            return None
        return 429 if draw < rate * _SHARE_429 else 503

    def retry_after(self, family: str | None, request_key: str, settings: FaultSettings | None = None) -> str | None:
        """The Retry-After value to answer this attempt with (a 429), or None."""
        settings = settings or self.settings
        value = settings.retry_after.get(family) if family else None
        if value is None:
            return None
        if settings.retry_after_times and self._attempt("retry-after\0" + request_key) >= settings.retry_after_times:
            return None
        return value

    def error_message(self, family: str | None, settings: FaultSettings | None = None) -> str | None:
        """The message the family's error answers carry instead of Twilio's own, or None."""
        return (settings or self.settings).error_message.get(family) if family else None

    def denied_status(self, family: str | None, settings: FaultSettings | None = None) -> int | None:
        return (settings or self.settings).deny.get(family) if family else None

    def hangs(self, family: str | None, settings: FaultSettings | None = None) -> bool:
        return family in (settings or self.settings).hang

    def pause(self, seconds: float) -> bool:
        """Wait, unless the emulator stops first; True when it is stopping."""
        # An Event wait instead of sleep, so stop() releases sleeping requests.
        if seconds > 0:
            return self._stopping.wait(seconds)
        return self._stopping.is_set()

    def release(self) -> None:
        self._stopping.set()

    def arm(self) -> None:
        self._stopping.clear()

"""Reading one answer within its bounds: --timeout for the whole response, 64 MiB for its body.

A socket timeout bounds one read, not a response: a server that sends one
byte a second never trips it. So every attempt has a deadline, and a single
watchdog thread shuts the attempt's connection down when the deadline passes,
whether it is waiting for the status line, the headers or the body. The
connection is known to the watchdog because the pools use connection classes
that register themselves with the calling thread's attempt when they start
reading the answer.

The body is read raw and decompressed here, in bounded steps, so a small gzip
body that inflates to gigabytes is refused when it passes the limit instead
of being held in memory first.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
import zlib
from contextlib import contextmanager

import urllib3

from flexaudit.api.errors import ResponseRefused

MAX_BODY_BYTES = 64 << 20  # after decompression (contract: "Paging and responses are bounded")
_CHUNK = 64 << 10

_current = threading.local()


class Attempt:
    """One request attempt: its deadline and, once it reads an answer, its connection."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.expired = False  # set by the watchdog: the connection was shut down
        self._sock = None
        self._done = False
        self._lock = threading.Lock()

    def attach(self, sock) -> None:
        with self._lock:
            self._sock = sock
            late = self.expired
        if late:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            sock = self._sock
        if sock is not None:
            _shut(sock)

    def finish(self) -> None:
        # Under the lock: once finished, the connection may go back to the pool
        # and serve another request, which the watchdog must never touch.
        with self._lock:
            self._done = True
            self._sock = None


def _shut(sock) -> None:
    try:
        # socket.socket's own shutdown, also for an SSLSocket: wakes a blocked read with EOF.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Watchdog:
    """One thread for every deadline: expires attempts that outlive theirs."""

    def __init__(self):
        self._heap: list[tuple[float, int, Attempt]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, attempt: Attempt) -> None:
        with self._cond:
            heapq.heappush(self._heap, (attempt.deadline, next(self._order), attempt))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="flexaudit-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, _, attempt = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
            attempt.expire()


_WATCHDOG = _Watchdog()


@contextmanager
def bounded_attempt(seconds: float):
    """Run one request attempt (send, status, headers, body) within `seconds` in all."""
    attempt = Attempt(time.monotonic() + seconds)
    _current.attempt = attempt
    _WATCHDOG.watch(attempt)
    try:
        yield attempt
    finally:
        _current.attempt = None
        attempt.finish()


class _Registering:
    """A connection that hands its socket to the calling thread's attempt as it reads the answer."""

    def getresponse(self, *args, **kwargs):
        attempt = getattr(_current, "attempt", None)
        if attempt is not None and self.sock is not None:
            attempt.attach(self.sock)
        return super().getresponse(*args, **kwargs)


class _HTTPConnection(_Registering, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_Registering, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def watched(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """`manager` with connections its attempts' deadlines can reach (direct or through a proxy)."""
    manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return manager


def read_body(resp: urllib3.BaseHTTPResponse, where: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """The decoded body of `resp` (opened with preload_content=False); ResponseRefused past `limit` bytes."""
    encoding = (resp.headers.get("Content-Encoding") or "identity").strip().lower()
    decoder = _DECODERS.get(encoding)
    if decoder is None:
        resp.close()
        raise ResponseRefused(f"{where} answered with an unsupported Content-Encoding; flexaudit asks for gzip or deflate")
    declared = resp.headers.get("Content-Length")
    if encoding == "identity" and declared and declared.strip().isdigit() and int(declared) > limit:
        resp.close()
        raise ResponseRefused(_too_large(where, limit))
    inflate = decoder()
    parts: list[bytes] = []
    total = 0
    try:
        while True:
            raw = resp.read(_CHUNK, decode_content=False)
            if not raw:
                break
            for piece in inflate(raw):
                total += len(piece)
                if total > limit:
                    raise ResponseRefused(_too_large(where, limit))
                parts.append(piece)
    except ResponseRefused:
        resp.close()  # never hand a half-read connection back to the pool
        raise
    except zlib.error:
        resp.close()
        raise ResponseRefused(f"{where} answered with a body that does not decompress as it says") from None
    return b"".join(parts)


def _too_large(where: str, limit: int) -> str:
    return f"{where} answered with a body over {limit >> 20} MiB (after decompression): refused"


def _identity():
    def feed(data: bytes):
        yield data
    return feed


def _gzip():
    """gzip members back to back (RFC 1952 allows several), each inflated at most _CHUNK bytes at a time.

    As urllib3 does, bytes after a complete member that do not start another one are ignored.
    """
    state = {"z": zlib.decompressobj(16 + zlib.MAX_WBITS), "members": 0, "swallow": False}

    def feed(data: bytes):
        while data and not state["swallow"]:
            z = state["z"]
            try:
                out = z.decompress(data, _CHUNK)
            except zlib.error:
                if state["members"]:
                    state["swallow"] = True
                    return
                raise
            if out:
                yield out
            if z.eof:
                state["members"] += 1
                data = z.unused_data
                state["z"] = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = z.unconsumed_tail
    return feed


def _deflate():
    """zlib-wrapped deflate, or raw deflate as some servers send it (urllib3 accepts both):
    told apart by the zlib header (RFC 1950: method 8, header a multiple of 31)."""
    state: dict = {"z": None, "head": b""}

    def feed(data: bytes):
        if state["z"] is None:
            state["head"] += data
            if len(state["head"]) < 2:
                return
            data, state["head"] = state["head"], b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            state["z"] = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        yield from _inflate_bounded(state["z"], data)
    return feed


def _inflate_bounded(z, data: bytes):
    while data and not z.eof:
        out = z.decompress(data, _CHUNK)
        if out:
            yield out
        data = z.unconsumed_tail


_DECODERS = {"identity": _identity, "": _identity, "gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate}

"""How a body goes on the wire when a delivery fault asks: inflating gzip, or a trickle.

gzip_inflate: the answer is sent `Content-Encoding: gzip` and inflates to the
configured size: the real JSON with spaces after its first `{` (still valid
JSON). It is three gzip members back to back (RFC 1952 allows it; urllib3,
requests and Python's gzip module read them as one stream): the head, the
padding, the tail. The padding member is compressed once per size and
cached, so 200 MB of spaces cost about 200 KB and half a second, once.

trickle_bps: the body is written a few bytes at a time so it takes
len(body) / N seconds; stopping the emulator cuts it off.
"""

from __future__ import annotations

import functools
import gzip
import zlib
from typing import Callable

_BLOCK = b" " * (1 << 20)
_TICK_SECONDS = 0.05


def inflating_gzip(body: bytes, inflated_size: int) -> bytes:
    """A gzip stream of body, padded with spaces after its first byte to inflated_size bytes."""
    if not body:
        body = b"{}"
    head, tail = body[:1], body[1:]
    padding = max(0, inflated_size - len(body))
    return gzip.compress(head) + _spaces_member(padding) + gzip.compress(tail)


@functools.lru_cache(maxsize=4)
def _spaces_member(count: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = []
    whole, rest = divmod(count, len(_BLOCK))
    for _ in range(whole):
        out.append(compressor.compress(_BLOCK))
    out.append(compressor.compress(_BLOCK[:rest]))
    out.append(compressor.flush())
    return b"".join(out)


def trickle(write: Callable[[bytes], object], body: bytes, bytes_per_second: float,
            pause: Callable[[float], bool]) -> bool:
    """Write body at about bytes_per_second; False when cut off by pause() (the emulator stops)."""
    chunk = max(1, int(bytes_per_second * _TICK_SECONDS))
    delay = chunk / bytes_per_second
    for start in range(0, len(body), chunk):
        write(body[start:start + chunk])
        if start + chunk < len(body) and pause(delay):
            return False
    return True

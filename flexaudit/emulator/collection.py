"""Ordered resource lists that never hold more than one page in memory.

A scenario may declare 100,000 chat channels as one `repeat` block; serving a
page must cost as much as the page, not the whole list. A Collection is a
chain of segments: resources written out in the scenario, and repeat blocks
whose resources are made on demand from their index.
"""

from __future__ import annotations

import bisect
from typing import Callable, Sequence

Resource = dict
Predicate = Callable[[Resource], bool]


class Written:
    """Resources spelled out in the scenario (already filled with defaults)."""

    def __init__(self, resources: Sequence[Resource]):
        self._resources = list(resources)

    def __len__(self) -> int:
        return len(self._resources)

    def take(self, start: int, stop: int) -> list[Resource]:
        return self._resources[start:stop]

    def where(self, keep: Predicate) -> "Written":
        return Written([r for r in self._resources if keep(r)])


class Repeated:
    """`count` resources made by `make(index)`; only identity fields vary with the index."""

    def __init__(self, count: int, make: Callable[[int], Resource]):
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    def take(self, start: int, stop: int) -> list[Resource]:
        make = self._make
        return [make(i) for i in range(start, min(stop, self._count))]

    def where(self, keep: Predicate) -> "Repeated | None":
        # Every resource of a block shares the template's fields, so the first
        # one decides for the whole block: filtering stays O(1) per block.
        if self._count and keep(self._make(0)):
            return self
        return None


class Collection:
    def __init__(self, segments: Sequence[Written | Repeated] = ()):
        self._segments = [s for s in segments if s is not None and len(s)]
        self._starts: list[int] = []
        total = 0
        for segment in self._segments:
            self._starts.append(total)
            total += len(segment)
        self._len = total

    def __len__(self) -> int:
        return self._len

    def take(self, start: int, stop: int) -> list[Resource]:
        """Resources [start, stop) in order, made only for that window."""
        stop = min(stop, self._len)
        if start >= stop:
            return []
        out: list[Resource] = []
        i = bisect.bisect_right(self._starts, start) - 1
        while start < stop and i < len(self._segments):
            base = self._starts[i]
            segment = self._segments[i]
            out.extend(segment.take(start - base, min(stop - base, len(segment))))
            start = base + len(segment)
            i += 1
        return out

    def where(self, keep: Predicate) -> "Collection":
        return Collection([s.where(keep) for s in self._segments])

    def all(self) -> list[Resource]:
        return self.take(0, self._len)

"""Streaming a long list with the next page in flight while this one is processed.

The SDK's stream() builds every record of a page before it asks for the next
page, so on a chain of 1,000 chat-channel pages the parsing adds up on top of
the round trips. Asking for page N+1 as soon as page N arrives overlaps the
two; the chain then costs about one round trip a page.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Iterator


def prefetching_stream(first_page, executor: Executor | None) -> Iterator:
    page = first_page
    while page is not None:
        if executor is None:  # no pool to overlap with: plain sequential paging
            yield from page
            page = page.next_page()
            continue
        following = executor.submit(page.next_page)
        yield from page
        page = following.result()

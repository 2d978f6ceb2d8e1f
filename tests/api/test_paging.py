"""The mechanics under the scan's longest chain: page prefetching and the urgent lane."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from flexaudit.api.transport import AdaptiveLimiter
from flexaudit.api.paging import prefetching_stream


class FakePage:
    """Quacks like twilio.base.page.Page: iterable records, next_page()."""

    def __init__(self, n, last, fail_at=None, fetched=None):
        self.n, self.last, self.fail_at, self.fetched = n, last, fail_at, fetched if fetched is not None else []

    def __iter__(self):
        return iter([f"r{self.n}.{i}" for i in range(3)])

    def next_page(self):
        if self.n + 1 == self.fail_at:
            raise RuntimeError(f"page {self.fail_at} failed")
        if self.n == self.last:
            return None
        self.fetched.append(self.n + 1)
        return FakePage(self.n + 1, self.last, self.fail_at, self.fetched)


@pytest.mark.parametrize("pool", [None, "threads"])
def test_every_record_once_in_order(pool):
    with ThreadPoolExecutor(2) as executor:
        records = list(prefetching_stream(FakePage(0, 9), executor if pool else None))
    assert records == [f"r{n}.{i}" for n in range(10) for i in range(3)]


def test_a_failing_page_raises_in_the_consumer_after_the_earlier_records():
    seen = []
    with ThreadPoolExecutor(2) as executor, pytest.raises(RuntimeError, match="page 4 failed"):
        for record in prefetching_stream(FakePage(0, 9, fail_at=4), executor):
            seen.append(record)
    assert seen == [f"r{n}.{i}" for n in range(4) for i in range(3)]


def test_stopping_early_releases_the_producer():
    fetched = []
    with ThreadPoolExecutor(2) as executor:
        stream = prefetching_stream(FakePage(0, 10_000, fetched=fetched), executor, ahead=2)
        assert next(stream) == "r0.0"
        stream.close()
    assert len(fetched) < 10  # it stopped fetching instead of running to the end


def test_urgent_requests_go_before_queued_normal_ones():
    limiter = AdaptiveLimiter(1)
    limiter.acquire()  # the only slot is taken
    order = []

    def wait(urgent, name):
        limiter.acquire(urgent=urgent)
        order.append(name)
        limiter.release(throttled=False)

    normal = [threading.Thread(target=wait, args=(False, f"n{i}")) for i in range(3)]
    for t in normal:
        t.start()
    time.sleep(0.05)
    urgent = threading.Thread(target=wait, args=(True, "urgent"))
    urgent.start()
    time.sleep(0.05)
    limiter.release(throttled=False)
    for t in [*normal, urgent]:
        t.join(timeout=5)
    assert order[0] == "urgent" and sorted(order[1:]) == ["n0", "n1", "n2"]


def test_record_pages_keep_only_json_objects():
    from twilio.http.response import Response

    from flexaudit.api.paging import RecordPage

    body = {"meta": {"key": "things", "next_page_url": None}, "things": [{"sid": "a"}, "junk", 3, None, {"sid": "b"}]}
    page = RecordPage(None, Response(200, json.dumps(body)), {})
    assert list(page) == [{"sid": "a"}, {"sid": "b"}]
    assert page.next_page() is None


def test_a_refused_page_raises_twilios_error_with_status_and_code():
    from twilio.base.exceptions import TwilioRestException
    from twilio.http.response import Response

    from flexaudit.api.paging import RecordPage

    with pytest.raises(TwilioRestException) as caught:
        RecordPage(None, Response(403, json.dumps({"code": 20403, "message": "Forbidden", "status": 403})), {})
    assert caught.value.status == 403 and caught.value.code == 20403 and "Forbidden" in caught.value.msg


def test_a_sid_cannot_change_which_path_is_read():
    from flexaudit.api.paging import path_segment

    assert path_segment("IS123") == "IS123"
    assert path_segment("../Accounts?x=1#") == "%2E%2E%2FAccounts%3Fx%3D1%23"

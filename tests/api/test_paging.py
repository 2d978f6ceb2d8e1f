"""Reading lists and records, and the urgent lane the scan's longest chain takes."""

from __future__ import annotations

import json
import threading
import time

import pytest

from flexaudit.api.transport import AdaptiveLimiter


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

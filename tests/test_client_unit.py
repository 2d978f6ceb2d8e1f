"""The guarded transport on its own: URL mapping, the GET-only guard, backoff, adaptive concurrency."""

import pytest

from flexaudit.client import AdaptiveLimiter, GuardedHttpClient, WriteRefused, map_url

BASE = "http://127.0.0.1:9999/prefix"


@pytest.mark.parametrize("url, expected", [
    ("https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PageSize=1000",
     BASE + "/api/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PageSize=1000"),
    ("https://flex-api.twilio.com/v1/FlexFlows", BASE + "/flex-api/v1/FlexFlows"),
    # region / edge hosts keep only their first label
    ("https://chat.dublin.ie1.twilio.com/v2/Services/IS1/Channels?Type=public&Type=private",
     BASE + "/chat/v2/Services/IS1/Channels?Type=public&Type=private"),
    ("https://CONVERSATIONS.twilio.com/v1/Configuration/Addresses", BASE + "/conversations/v1/Configuration/Addresses"),
])
def test_map_url_follows_the_contract(url, expected):
    assert map_url(url, BASE) == expected
    assert map_url(url, BASE + "/") == expected


def test_map_url_without_base_url_is_identity():
    url = "https://proxy.twilio.com/v1/Services?PageSize=1000"
    assert map_url(url, None) == url


def test_map_url_refuses_non_twilio_hosts():
    with pytest.raises(WriteRefused):
        map_url("https://evil.example.com/v1/x", BASE)


@pytest.mark.parametrize("method", ["POST", "DELETE", "put", "patch"])
def test_non_get_is_refused_before_any_network_io(method):
    # Port 9 (discard) on loopback: if the guard let the request through we would
    # see a connection error instead of WriteRefused.
    client = GuardedHttpClient(api_base_url="http://127.0.0.1:9", max_attempts=1)
    with pytest.raises(WriteRefused, match="read-only"):
        client.request(method, "https://flex-api.twilio.com/v1/FlexFlows", data={"FriendlyName": "x"})
    assert client.stats.requests == 0


def test_limiter_halves_on_throttling_once_per_second_and_recovers():
    now = [0.0]
    limiter = AdaptiveLimiter(8, clock=lambda: now[0])
    for _ in range(3):  # a burst within one second is one signal
        limiter.acquire()
        limiter.release(throttled=True)
    assert limiter.limit == 4
    now[0] = 1.5
    limiter.acquire()
    limiter.release(throttled=True)
    assert limiter.limit == 2
    for _ in range(4 * 2 + 4 * 3):
        limiter.acquire()
        limiter.release(throttled=False)
    assert limiter.limit == 4


def test_limiter_never_goes_below_one():
    now = [0.0]
    limiter = AdaptiveLimiter(2, clock=lambda: now[0])
    for i in range(5):
        now[0] = i * 2.0
        limiter.acquire()
        limiter.release(throttled=True)
    assert limiter.limit == 1


class _Resp:
    def __init__(self, headers):
        self.headers = headers


def test_backoff_is_capped_and_honours_retry_after():
    client = GuardedHttpClient(backoff_base=0.25, backoff_cap=2.0)
    assert all(0 <= client._backoff(attempt, None) <= 2.0 for attempt in range(10))
    assert client._backoff(0, _Resp({"Retry-After": "3"})) == 3.0
    assert client._backoff(0, _Resp({"Retry-After": "999"})) == 30.0
    assert client._backoff(0, _Resp({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) <= 0.25


def test_proxies_and_ca_bundle_come_from_the_environment_read_once_per_host(monkeypatch):
    from flexaudit.client import _EnvironmentOncePerHost

    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                 "NO_PROXY", "no_proxy", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "chat.twilio.com")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/corporate-ca.pem")
    session = _EnvironmentOncePerHost()

    def settings(url):
        return session.merge_environment_settings(url, {}, None, None, None)

    api = settings("https://api.twilio.com/2010-04-01/Accounts/AC1.json")
    assert api["proxies"]["https"] == "http://proxy.example:3128" and api["verify"] == "/etc/corporate-ca.pem"
    assert "https" not in settings("https://chat.twilio.com/v2/Services")["proxies"]  # NO_PROXY honoured
    monkeypatch.setenv("HTTPS_PROXY", "http://elsewhere.example:8080")
    # read once per host: the environment of the scan's start holds for the whole scan
    assert settings("https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json")["proxies"]["https"] \
        == "http://proxy.example:3128"
    # explicit arguments are never replaced by the cache
    assert session.merge_environment_settings("https://api.twilio.com/x", {}, None, False, None)["verify"] is False

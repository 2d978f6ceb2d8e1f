"""The guarded transport on its own: URL mapping, the GET-only guard, backoff, adaptive concurrency."""

import pytest

from flexaudit.api.errors import LinkRefused
from flexaudit.api.transport import AdaptiveLimiter, GuardedHttpClient, WriteRefused, map_url

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
    with pytest.raises(LinkRefused):
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
    assert all(0 <= client._backoff(attempt, None)[0] <= 2.0 for attempt in range(10))
    assert client._backoff(0, _Resp({"Retry-After": "3"})) == (3.0, 3.0)
    assert client._backoff(0, _Resp({"Retry-After": "999"})) == (999.0, 999.0)  # the request's budget decides
    for odd in ("nan", "-5", "Wed, 21 Oct 2026 07:28:00 GMT"):
        delay, asked = client._backoff(0, _Resp({"Retry-After": odd}))
        assert asked is None and 0 <= delay <= 0.25


def test_proxies_and_ca_bundle_come_from_the_environment_read_once_per_host(monkeypatch, tmp_path):
    import base64

    import urllib3

    from flexaudit.api.transport import _Pools

    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "chat.twilio.com")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "corporate-ca.pem"))
    pools = _Pools(4)

    api = pools.route("https://api.twilio.com/2010-04-01/Accounts/AC1.json")
    assert isinstance(api, urllib3.ProxyManager)
    assert (api.proxy.host, api.proxy.port) == ("proxy.example", 3128)
    assert api.proxy_headers["proxy-authorization"] == "Basic " + base64.b64encode(b"user:secret").decode()
    assert api.connection_pool_kw["ca_certs"] == str(tmp_path / "corporate-ca.pem")
    assert api.connection_pool_kw["cert_reqs"] == "CERT_REQUIRED"
    chat = pools.route("https://chat.twilio.com/v2/Services")
    assert not isinstance(chat, urllib3.ProxyManager)  # NO_PROXY honoured
    assert chat.connection_pool_kw["ca_certs"] == str(tmp_path / "corporate-ca.pem")
    monkeypatch.setenv("HTTPS_PROXY", "http://elsewhere.example:8080")
    # read once per host: the environment at the scan's start holds for the whole scan
    assert pools.route("https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json") is api


def test_tls_is_verified_against_certifi_by_default(monkeypatch):
    import certifi

    from flexaudit.api.transport import _ca_settings

    assert _ca_settings() == {"cert_reqs": "CERT_REQUIRED", "ca_certs": certifi.where()}


@pytest.mark.parametrize("url, params, expected", [
    ("https://chat.twilio.com/v2/Services/IS1/Channels", {"Type": ["public", "private"], "PageSize": 100},
     "https://chat.twilio.com/v2/Services/IS1/Channels?Type=public&Type=private&PageSize=100"),
    ("https://chat.twilio.com/v2/x?PageToken=PT1", {"PageSize": 50, "Skip": None},
     "https://chat.twilio.com/v2/x?PageToken=PT1&PageSize=50"),
    ("https://api.twilio.com/a b", {"FriendlyName": "a&b=c"}, "https://api.twilio.com/a b?FriendlyName=a%26b%3Dc"),
    ("https://api.twilio.com/x", {}, "https://api.twilio.com/x"),
])
def test_query_parameters_are_encoded_as_requests_would(url, params, expected):
    from flexaudit.api.transport import _with_query

    assert _with_query(url, params) == expected


def test_basic_auth_and_charset():
    from twilio.http.response import Response
    from urllib3 import HTTPResponse

    from flexaudit.api.transport import _headers, _response

    headers = _headers({"Accept": "application/json"}, ("AC1", "token"))
    assert headers["Authorization"] == "Basic QUMxOnRva2Vu" and headers["Accept"] == "application/json"
    latin = HTTPResponse(status=200, headers={"Content-Type": "application/json; charset=ISO-8859-1"})
    utf8 = HTTPResponse(status=200, headers={"Content-Type": "application/json"})
    as_latin = _response(latin, "café".encode("latin-1"))
    assert isinstance(as_latin, Response) and as_latin.text == "café"
    assert _response(utf8, "café".encode()).text == "café" and _response(utf8, b"").status_code == 200

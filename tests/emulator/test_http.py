"""HTTP behaviour of the emulator: auth, errors, paging limits, request log, faults, concurrency."""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from flexaudit.emulator import Emulator

from tests.support.emulator import ACCOUNT, FO, IS_FLEX, KEY, KS, SECRET, TOKEN, sdk_client, sid, small_scenario

FLOWS = "/flex-api/v1/FlexFlows"
NUMBERS = f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"
CHANNELS = f"/chat/v2/Services/{IS_FLEX}/Channels"

pytestmark = pytest.mark.sends_writes  # it proves the emulator refuses writes


def get(emu, path, auth=(ACCOUNT, TOKEN), session=requests, **kwargs):
    return session.get(emu.base_url + path, auth=auth, timeout=10, **kwargs)


def assert_twilio_error(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert body == {"code": code, "message": body["message"],
                    "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    assert body["message"]


# --- authentication -----------------------------------------------------------

@pytest.mark.parametrize("auth", [None, (ACCOUNT, "wrong"), (KEY, "wrong"), (sid("SK", 2), SECRET),
                                  (sid("AC", 5), TOKEN), ("", "")])
def test_bad_or_missing_credentials_are_401_20003(emu, auth):
    response = get(emu, FLOWS, auth=auth)
    assert_twilio_error(response, 401, 20003)
    assert response.json()["message"] == "Authenticate"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_sdk_sees_401_20003_for_wrong_token_and_wrong_key_secret(emu):
    for username, password in ((ACCOUNT, "f" * 32), (KEY, "not-the-secret")):
        client = sdk_client(emu, username=username, password=password)
        with pytest.raises(TwilioRestException) as caught:
            client.studio.v2.flows(sid("FW", 1)).fetch()
        assert caught.value.status == 401 and caught.value.code == 20003


def test_api_key_and_token_both_accepted(emu):
    assert get(emu, FLOWS, auth=(KEY, SECRET)).status_code == 200
    assert get(emu, FLOWS).status_code == 200


def test_other_account_in_path_is_404(emu):
    assert_twilio_error(get(emu, f"/api/2010-04-01/Accounts/{sid('AC', 7)}.json"), 404, 20404)
    assert_twilio_error(get(emu, f"/api/2010-04-01/Accounts/{sid('AC', 7)}/IncomingPhoneNumbers.json"), 404, 20404)


# --- errors ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/nope/v1/Things", "/flex-api/v1/Nope", "/api/2010-04-01/Accounts",
                                  f"/flex-api/v1/FlexFlows/{sid('FO', 99)}", f"/chat/v2/Services/{sid('IS', 9)}/Channels"])
def test_unknown_paths_are_404_20404(emu, path):
    response = get(emu, path)
    assert_twilio_error(response, 404, 20404)
    assert "was not found" in response.json()["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_writes_are_405_and_logged(emu, method):
    before = len(emu.requests)
    response = requests.request(method, emu.base_url + f"{FLOWS}/{FO}", auth=(ACCOUNT, TOKEN),
                                data={"Enabled": "false"}, timeout=10)
    assert_twilio_error(response, 405, 20004)
    logged = emu.requests[before:]
    assert [(e["method"], e["sub"], e["path"], e["status"]) for e in logged] == [
        (method, "flex-api", f"/v1/FlexFlows/{FO}", 405)]


def test_sdk_write_attempt_reaches_log_as_405(emu):
    client = sdk_client(emu)
    with pytest.raises(TwilioRestException) as caught:
        client.flex_api.v1.flex_flow(FO).update(enabled=False)
    assert caught.value.status == 405
    assert emu.requests[-1]["method"] == "POST" and emu.requests[-1]["status"] == 405


# --- paging limits -----------------------------------------------------------------

@pytest.mark.parametrize("path,key,maximum", [
    (FLOWS, "flex_flows", 1000),
    (CHANNELS, "channels", 100),
    ("/chat/v2/Services", "services", 100),
    ("/conversations/v1/Configuration/Addresses", "address_configurations", 50),
])
def test_page_size_above_maximum_is_clamped(emu, path, key, maximum):
    body = get(emu, path, params={"PageSize": maximum + 500}).json()
    assert body["meta"]["page_size"] == maximum
    assert f"PageSize={maximum}&" in body["meta"]["url"]


def test_page_size_clamped_on_2010_api(emu):
    body = get(emu, NUMBERS, params={"PageSize": 5000}).json()
    assert body["page_size"] == 1000 and len(body["incoming_phone_numbers"]) == 5


def test_default_page_size_is_50(emu):
    assert get(emu, FLOWS).json()["meta"]["page_size"] == 50
    assert get(emu, NUMBERS).json()["page_size"] == 50


def test_v1_links_are_absolute_twilio_urls_keeping_filters(emu):
    meta = get(emu, CHANNELS + "?Type=private&PageSize=5").json()["meta"]
    assert meta["key"] == "channels" and meta["page"] == 0 and meta["previous_page_url"] is None
    assert meta["first_page_url"] == f"https://chat.twilio.com/v2/Services/{IS_FLEX}/Channels?Type=private&PageSize=5&Page=0"
    assert meta["next_page_url"].startswith(
        f"https://chat.twilio.com/v2/Services/{IS_FLEX}/Channels?Type=private&PageSize=5&Page=1&PageToken=PA")
    second = get(emu, "/chat" + meta["next_page_url"].split("chat.twilio.com", 1)[1]).json()["meta"]
    assert second["page"] == 1 and second["previous_page_url"].startswith("https://chat.twilio.com/")


def test_2010_links_are_relative_uris(emu):
    body = get(emu, NUMBERS + "?PageSize=2").json()
    assert body["first_page_uri"] == f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json?PageSize=2&Page=0"
    assert body["next_page_uri"].startswith(
        f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json?PageSize=2&Page=1&PageToken=PA")
    assert (body["page"], body["page_size"], body["start"], body["end"]) == (0, 2, 0, 1)
    assert body["previous_page_uri"] is None
    last = get(emu, "/api" + get(emu, "/api" + body["next_page_uri"]).json()["next_page_uri"]).json()
    assert (last["page"], last["start"], last["end"], last["next_page_uri"]) == (2, 4, 4, None)


@pytest.mark.parametrize("query", ["PageSize=abc", "Page=-1", "PageToken=garbage", "PageToken=PA!!"])
def test_bad_paging_parameters_are_400(emu, query):
    assert get(emu, f"{FLOWS}?{query}").status_code == 400


# --- request log --------------------------------------------------------------------

def test_request_log_has_no_secrets_and_writes_json_lines(tmp_path):
    log_path = tmp_path / "requests.jsonl"
    with Emulator(small_scenario(), request_log_path=log_path) as emu:
        get(emu, FLOWS + "?PageSize=2")
        get(emu, FLOWS, auth=(KEY, SECRET))
        get(emu, FLOWS, auth=(ACCOUNT, "bad-token"))
        entries = emu.requests
    assert [(e["method"], e["sub"], e["path"], e["query"], e["status"], e["username"]) for e in entries] == [
        ("GET", "flex-api", "/v1/FlexFlows", "PageSize=2", 200, ACCOUNT),
        ("GET", "flex-api", "/v1/FlexFlows", "", 200, KEY),
        ("GET", "flex-api", "/v1/FlexFlows", "", 401, ACCOUNT),
    ]
    assert all(e["time"].endswith("Z") and e["duration_ms"] >= 0 for e in entries)
    text = log_path.read_text()
    assert [json.loads(line) for line in text.splitlines()] == entries
    for secret in (TOKEN, SECRET, "bad-token"):
        assert secret not in text and secret not in repr(entries)


# --- faults -----------------------------------------------------------------------------

def test_deny_answers_the_family_with_the_status():
    with Emulator(small_scenario(), deny={"proxy": 403, "chat": 500}) as emu:
        assert_twilio_error(get(emu, "/proxy/v1/Services"), 403, 20403)
        assert_twilio_error(get(emu, f"/proxy/v1/Services/{KS}/Sessions"), 403, 20403)
        assert_twilio_error(get(emu, CHANNELS), 500, 20500)
        assert get(emu, FLOWS).status_code == 200
        client = sdk_client(emu)
        with pytest.raises(TwilioRestException) as caught:
            client.proxy.v1.services(KS).fetch()
        assert caught.value.status == 403


def _statuses(seed: int, rate: float = 0.5, n: int = 40) -> list[int]:
    with Emulator(small_scenario(), fault_rate=rate, fault_seed=seed) as emu:
        with requests.Session() as session:
            return [get(emu, f"{FLOWS}?PageSize={i % 7 + 1}", session=session).status_code for i in range(n)]


def test_fault_rate_is_reproducible_with_a_seed():
    first, again, other = _statuses(seed=1), _statuses(seed=1), _statuses(seed=2)
    assert first == again
    assert first != other
    assert set(first) == {200, 429, 503}
    assert 8 <= sum(s != 200 for s in first) <= 32


def test_faulted_request_succeeds_when_retried():
    with Emulator(small_scenario(), fault_rate=0.8, fault_seed=3) as emu:
        with requests.Session() as session:
            statuses = []
            for _ in range(60):
                statuses.append(get(emu, FLOWS, session=session).status_code)
                if statuses[-1] == 200:
                    break
    assert statuses[-1] == 200
    body_codes = {429: 20429, 503: 20503}
    assert all(s in body_codes for s in statuses[:-1])


def test_fault_bodies_are_twilio_errors():
    with Emulator(small_scenario(), fault_rate=1.0) as emu:
        with requests.Session() as session:
            responses = [get(emu, f"{FLOWS}?n={i}", session=session) for i in range(30)]
    for response in responses:
        assert_twilio_error(response, response.status_code, {429: 20429, 503: 20503}[response.status_code])
    assert {r.status_code for r in responses} == {429, 503}


def test_latency_is_applied():
    with Emulator(small_scenario(), latency_ms=150) as emu:
        started = time.monotonic()
        assert get(emu, FLOWS).status_code == 200
        assert time.monotonic() - started >= 0.15


def test_hang_makes_clients_time_out_and_stop_does_not_wait():
    emu = Emulator(small_scenario(), hang=["studio"], hang_seconds=30).start()
    try:
        assert get(emu, FLOWS).status_code == 200
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(emu.base_url + "/studio/v2/Flows", auth=(ACCOUNT, TOKEN), timeout=0.3)
        # leave one request hanging while stopping
        def hanging_request():
            try:
                requests.get(emu.base_url + "/studio/v2/Flows", auth=(ACCOUNT, TOKEN), timeout=5)
            except requests.RequestException:
                pass  # cut off by stop(): expected
        threading.Thread(target=hanging_request, daemon=True).start()
        time.sleep(0.1)
    finally:
        started = time.monotonic()
        emu.stop()
    assert time.monotonic() - started < 3


def test_scenario_faults_apply_and_constructor_adds_to_them():
    scenario = small_scenario()
    scenario["faults"] = {"deny": {"proxy": 403}, "latency_ms": 0}
    with Emulator(scenario, deny={"chat": 429}) as emu:
        assert get(emu, "/proxy/v1/Services").status_code == 403
        assert_twilio_error(get(emu, CHANNELS), 429, 20429)
        assert get(emu, FLOWS).status_code == 200


@pytest.mark.parametrize("kwargs", [{"fault_rate": 1.5}, {"deny": {"nope": 403}}, {"deny": {"proxy": 200}},
                                    {"hang": ["nope"]}, {"latency_ms": -1}])
def test_bad_fault_options_are_rejected(kwargs):
    with pytest.raises(ValueError):
        Emulator(small_scenario(), **kwargs)


# --- connections ------------------------------------------------------------------------

def test_keep_alive_reuses_one_connection(emu):
    auth = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    connection = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        sockets = set()
        for path in (FLOWS, CHANNELS, "/nope", FLOWS):
            connection.request("GET", path, headers={"Authorization": auth})
            response = connection.getresponse()
            body = response.read()
            assert int(response.getheader("Content-Length")) == len(body)
            assert not response.will_close
            sockets.add(id(connection.sock))
        assert len(sockets) == 1
    finally:
        connection.close()


def test_sixteen_concurrent_clients():
    with Emulator(small_scenario(), latency_ms=50) as emu:
        def read(_):
            client = sdk_client(emu)  # one connection per client, as 16 scanners would have
            return [c.sid for c in client.chat.v2.services(IS_FLEX).channels.stream(
                type=["public", "private"], page_size=4)]

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(read, range(16)))
        elapsed = time.monotonic() - started
    assert all(len(r) == 15 and r == results[0] for r in results)
    # 16 clients x 4 pages x 50 ms would take 3.2 s one at a time; a dropped
    # connect (listen backlog too small) costs a 1 s SYN retransmit.
    assert elapsed < 1.0

"""Hostile answers for the hardening issue, seen from plain HTTP clients, each bounded in time."""

from __future__ import annotations

import base64
import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
import zlib

import pytest
import requests
from click.testing import CliRunner

from flexaudit.cli import cli
from flexaudit.emulator import Emulator, ScenarioError, load_scenario

from tests.support.emulator import ACCOUNT, FO, TOKEN, sid, small_scenario

FLOWS = "/flex-api/v1/FlexFlows"
NUMBERS = f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json"
AUTH = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()


def get(emu, path, **kwargs):
    return requests.get(emu.base_url + path, auth=(ACCOUNT, TOKEN), timeout=10, **kwargs)


def local(sub: str, link: str) -> str:
    """An absolute https://<sub>.twilio.com link or a 2010 relative URI, as an emulator path."""
    return f"/{sub}" + (link.split(".twilio.com", 1)[1] if link.startswith("https://") else link)


# --- paging links ------------------------------------------------------------------------------

def test_self_page_names_the_page_itself_v1_and_2010():
    with Emulator(small_scenario(), self_page=["flex_flows", "phone_numbers"]) as emu:
        meta = get(emu, FLOWS, params={"PageSize": 2}).json()["meta"]
        assert meta["next_page_url"] == meta["url"]
        again = get(emu, local("flex-api", meta["next_page_url"])).json()["meta"]
        assert again["next_page_url"] == meta["url"]  # a client following links sees one URL forever
        body = get(emu, NUMBERS, params={"PageSize": 2}).json()
        assert body["next_page_uri"] == body["uri"]
        # even a single-page list names itself
        single = get(emu, FLOWS).json()["meta"]
        assert single["next_page_url"] == single["url"]
        # other families page normally
        assert get(emu, "/studio/v2/Flows").json()["meta"]["next_page_url"] is None


def test_page_cycle_goes_from_page_one_back_to_page_zero():
    with Emulator(small_scenario(), page_cycle=["phone_numbers", "flex_flows"]) as emu:
        seen, link = [], NUMBERS + "?PageSize=2"
        for _ in range(4):
            body = get(emu, link).json()
            seen.append((body["page"], body["uri"]))
            link = local("api", body["next_page_uri"])
        assert [page for page, _ in seen] == [0, 1, 0, 1]
        assert seen[0][1] != seen[1][1] and seen[2][1] == seen[0][1]
        # with a single page of data, page 1 is empty and still leads back
        flows = get(emu, FLOWS).json()["meta"]
        second = get(emu, local("flex-api", flows["next_page_url"])).json()
        assert second["flex_flows"] == [] and second["meta"]["next_page_url"] == flows["first_page_url"]


def test_endless_pages_always_name_a_new_page():
    with Emulator(small_scenario(), endless_pages=["flex_flows"]) as emu, requests.Session() as session:
        session.auth = (ACCOUNT, TOKEN)
        urls, link, items = [], FLOWS + "?PageSize=2", []
        for _ in range(60):
            body = session.get(emu.base_url + link, timeout=10).json()
            urls.append(body["meta"]["url"])
            items += body["flex_flows"]
            link = local("flex-api", body["meta"]["next_page_url"])
        assert len(set(urls)) == 60
        assert body["meta"]["page"] == 59
        assert len(items) == 3  # the real items once, then empty pages


def test_endless_pages_stop_when_the_emulator_stops():
    emu = Emulator(small_scenario(), endless_pages=["flex_flows"]).start()
    base_url = emu.base_url  # read once: the emulator stops while the client still follows links
    pages, failure = [], []

    def follow():
        link = FLOWS
        try:
            with requests.Session() as session:
                session.auth = (ACCOUNT, TOKEN)
                while True:
                    body = session.get(base_url + link, timeout=5).json()
                    pages.append(body["meta"]["page"])
                    link = local("flex-api", body["meta"]["next_page_url"])
        except requests.RequestException as exc:
            failure.append(exc)

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    deadline = time.monotonic() + 3
    while len(pages) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    emu.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and failure and len(pages) >= 5


@pytest.mark.parametrize("link", ["https://evil.example/v1/FlexFlows?Page=1",
                                  "http://flex-api.twilio.com/v1/FlexFlows?PageSize=50&Page=1"])
def test_next_page_url_is_the_configured_value(link):
    with Emulator(small_scenario(), next_page_url={"flex_flows": link, "phone_numbers": link}) as emu:
        assert get(emu, FLOWS).json()["meta"]["next_page_url"] == link
        assert get(emu, NUMBERS, params={"PageSize": 2}).json()["next_page_uri"] == link
        assert get(emu, "/chat/v2/Services").json()["meta"]["next_page_url"] is None


# --- delivery ------------------------------------------------------------------------------------

def _connection(emu, timeout=10) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", emu.port, timeout=timeout)


def test_trickle_sends_the_body_at_the_configured_rate():
    with Emulator(small_scenario(), trickle_bps={"flex_flows": 2000}) as emu:
        connection = _connection(emu, timeout=0.5)  # each socket read is short: a trickle beats it
        try:
            started = time.monotonic()
            connection.request("GET", FLOWS + "?PageSize=2", headers={"Authorization": AUTH})
            response = connection.getresponse()
            length = int(response.getheader("Content-Length"))
            body = response.read()
            elapsed = time.monotonic() - started
        finally:
            connection.close()
        assert len(body) == length and json.loads(body)["meta"]["key"] == "flex_flows"
        assert length / 2000 * 0.8 <= elapsed < length / 2000 + 1.5, (length, elapsed)
        # other families are not slowed
        started = time.monotonic()
        assert get(emu, "/studio/v2/Flows").ok and time.monotonic() - started < 0.3


def test_a_trickle_is_cut_off_when_the_emulator_stops():
    emu = Emulator(small_scenario(), trickle_bps={"flex_flows": 50}).start()
    outcome = []

    def read():
        connection = _connection(emu)
        try:
            connection.request("GET", FLOWS, headers={"Authorization": AUTH})
            response = connection.getresponse()
            outcome.append(len(response.read()))
        except (http.client.IncompleteRead, ConnectionError, OSError) as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    emu.stop()
    thread.join(timeout=5)
    assert time.monotonic() - started < 3 and not thread.is_alive()
    assert outcome and isinstance(outcome[0], Exception)  # ~2 KB at 50 B/s would take 40 s


def test_gzip_body_inflates_to_the_configured_size_from_a_small_stream():
    size = 100_000_000
    with Emulator(small_scenario(), gzip_inflate={"flex_flows": size}) as emu:
        connection = _connection(emu)
        try:
            connection.request("GET", FLOWS, headers={"Authorization": AUTH, "Accept-Encoding": "gzip"})
            response = connection.getresponse()
            assert response.getheader("Content-Encoding") == "gzip"
            compressed = response.read()
        finally:
            connection.close()
    assert len(compressed) < size // 500  # about 1,000 : 1
    # inflate member by member, a megabyte at a time: never 100 MB in memory
    total, head, tail = 0, b"", b""
    data = compressed
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = inflater.decompress(data, 1 << 20)
        while True:
            total += len(chunk)
            head = (head + chunk[:64])[:64]
            tail = (tail + chunk)[-64:]
            if inflater.eof:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        data = inflater.unused_data
    assert total == size
    assert head.startswith(b"{ ") and tail.endswith(b"]}")  # the real answer, padded with spaces


def test_a_small_inflating_body_is_still_the_answer_for_a_decoding_client():
    with Emulator(small_scenario(), gzip_inflate={"flex_flows": 50_000}) as emu:
        response = get(emu, FLOWS)  # requests (urllib3) decodes gzip, members and all
        assert response.headers["Content-Encoding"] == "gzip"
        assert len(response.content) == 50_000
        assert [f["sid"] for f in response.json()["flex_flows"]][0] == FO


def test_redirect_answers_fetches_only():
    location = "https://evil.example/collect"
    with Emulator(small_scenario(), redirect={"flex_flows": location, "account": location}) as emu:
        fetched = get(emu, f"{FLOWS}/{FO}", allow_redirects=False)
        assert fetched.status_code == 307 and fetched.headers["Location"] == location and fetched.content == b""
        account = get(emu, f"/api/2010-04-01/Accounts/{ACCOUNT}.json", allow_redirects=False)
        assert account.status_code == 307
        assert get(emu, FLOWS, allow_redirects=False).status_code == 200  # a list is not a fetch
        assert [r["status"] for r in emu.requests] == [307, 307, 200]


def test_error_message_replaces_twilios_words_in_error_answers_verbatim():
    osc52 = "\x1b]52;c;cHduZWQ=\x07 denied"
    with Emulator(small_scenario(), deny={"flex_flows": 403}, retry_after={"studio": 1},
                  error_message={"flex_flows": osc52, "studio": osc52}) as emu:
        denied = get(emu, FLOWS)
        throttled = get(emu, "/studio/v2/Flows")
        other = get(emu, NUMBERS)
    assert denied.status_code == 403 and denied.json() == {
        "code": 20403, "message": osc52, "more_info": "https://www.twilio.com/docs/errors/20403", "status": 403}
    assert throttled.status_code == 429 and throttled.json()["message"] == osc52
    assert other.status_code == 200


def test_retry_after_429_always_or_for_the_first_attempts():
    with Emulator(small_scenario(), retry_after={"flex_flows": 7}) as emu:
        for _ in range(3):
            response = get(emu, FLOWS)
            assert response.status_code == 429 and response.headers["Retry-After"] == "7"
            assert response.json()["code"] == 20429
        assert get(emu, "/studio/v2/Flows").status_code == 200
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    with Emulator(small_scenario(), retry_after={"flex_flows": date}, retry_after_times=2) as emu:
        statuses = [get(emu, FLOWS).status_code for _ in range(3)]
        assert statuses == [429, 429, 200]
        first = get(emu, FLOWS + "?PageSize=1")  # another request line: its own first attempts
        assert first.status_code == 429 and first.headers["Retry-After"] == date


# --- where the options come from --------------------------------------------------------------

def test_scenario_faults_and_a_subaccounts_own():
    scenario = small_scenario()
    scenario["faults"] = {"self_page": ["flex_flows"], "retry_after": {"studio": 1}}
    scenario["subaccounts"] = [{"faults": {"redirect": {"flex_flows": "https://evil.example/"},
                                           "gzip_inflate": {"studio": 5000}}}]
    with Emulator(scenario, next_page_url={"phone_numbers": "https://evil.example/2010"}) as emu:
        meta = get(emu, FLOWS).json()["meta"]
        assert meta["next_page_url"] == meta["url"]
        assert get(emu, "/studio/v2/Flows").status_code == 429
        assert get(emu, NUMBERS).json()["next_page_uri"] == "https://evil.example/2010"
        sub = next(iter(emu.subaccounts.items()))
        flows = requests.get(emu.base_url + FLOWS, auth=sub, timeout=10).json()["flex_flows"]
        assert flows == []  # the subaccount has none; its list still self-pages, its fetches redirect
        fetched = requests.get(f"{emu.base_url}{FLOWS}/{FO}", auth=sub, timeout=10, allow_redirects=False)
        assert fetched.status_code == 307
        assert get(emu, f"{FLOWS}/{FO}", allow_redirects=False).status_code == 200  # not the parent's


@pytest.mark.parametrize("faults,message", [
    ({"self_page": ["pigeons"]}, "self_page: unknown family 'pigeons'"),
    ({"self_page": "flex_flows"}, "self_page must be a list of family names"),
    ({"next_page_url": {"flex_flows": ""}}, "next_page_url['flex_flows'] must be a non-empty one-line string"),
    ({"trickle_bps": {"flex_flows": 0}}, "trickle_bps['flex_flows'] must be a number > 0"),
    ({"gzip_inflate": {"flex_flows": 2.5}}, "gzip_inflate['flex_flows'] must be a byte count"),
    ({"redirect": {"flex_flows": "a\r\nSet-Cookie: x"}}, "redirect['flex_flows'] must be a non-empty one-line string"),
    ({"retry_after": {"flex_flows": -1}}, "retry_after['flex_flows'] must be >= 0"),
    ({"retry_after_times": -1}, "retry_after_times must be an integer >= 0"),
])
def test_bad_fault_options_name_the_problem(faults, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario({"faults": faults})
    assert message in str(caught.value)
    with pytest.raises(ValueError):
        Emulator(small_scenario(), **{k: v for k, v in faults.items()})


_RUN = "from flexaudit.cli import main; main(['emulator', *__import__('sys').argv[1:]])"


def test_command_line_flags(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(small_scenario()))
    process = subprocess.Popen(
        [sys.executable, "-c", _RUN, "--scenario", str(scenario), "--self-page", "flex_flows",
         "--next-page-url", "phone_numbers=https://evil.example/x", "--redirect", "studio=https://evil.example/r",
         "--retry-after", "chat=3", "--retry-after-times", "1", "--gzip-inflate", "proxy=4000",
         "--trickle", "taskrouter=100000", "--page-cycle", "conversations", "--endless-pages", "messaging"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        found = re.search(r"(http://127\.0\.0\.1:\d+)", process.stdout.readline())
        assert found
        base = found.group(1)

        def fetch(path, **kwargs):
            return requests.get(base + path, auth=(ACCOUNT, TOKEN), timeout=10, allow_redirects=False, **kwargs)

        meta = fetch(FLOWS).json()["meta"]
        assert meta["next_page_url"] == meta["url"]
        assert fetch(NUMBERS).json()["next_page_uri"] == "https://evil.example/x"
        assert fetch(f"/studio/v2/Flows/{sid('FW', 1)}").headers["Location"] == "https://evil.example/r"
        assert [fetch("/chat/v2/Services").status_code for _ in range(2)] == [429, 200]
        assert fetch("/proxy/v1/Services").headers["Content-Encoding"] == "gzip"
        assert fetch("/messaging/v1/Services").json()["meta"]["next_page_url"]
    finally:
        # SIGTERM, not SIGINT: a shell running the tests in the background has
        # the child ignore SIGINT; the command stops on SIGTERM either way.
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 0


@pytest.mark.parametrize("args", [["--trickle", "flex_flows=0"], ["--gzip-inflate", "flex_flows=big"],
                                  ["--redirect", "pigeons=https://x"], ["--next-page-url", "flex_flows"],
                                  ["--self-page", "pigeons"]])
def test_bad_flags_are_usage_errors(args):
    result = CliRunner().invoke(cli, ["emulator", *args])
    assert result.exit_code == 2

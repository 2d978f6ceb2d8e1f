"""Several accounts (fleet scans): the bundled fleet scenario, each account under its own credentials."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from flexaudit.cli import cli
from flexaudit.emulator import Emulator, ScenarioError, bundled_scenario_path, load_scenario

from tests.support.emulator import EmulatorHttpClient, sdk_client, sid, small_scenario

FLEET = json.loads(bundled_scenario_path("fleet").read_text(encoding="utf-8"))
PARENT = FLEET["account"]["sid"]
PARENT_TOKEN = FLEET["auth"]["auth_token"]
PARENT_KEY = FLEET["auth"]["api_keys"][0]
BY_NAME = {sub["account"]["friendly_name"]: sub for sub in FLEET["subaccounts"]}
RETAIL = BY_NAME["Retail EU"]
SUSPENDED = BY_NAME["Old Brand"]
CLOSED = BY_NAME["Pilot"]
WHOLESALE = BY_NAME["Wholesale"]
OUTLET = BY_NAME["Outlet"]  # the listing shows a token it no longer accepts


def creds(body: dict) -> tuple[str, str]:
    return body["account"]["sid"], body["auth"]["auth_token"]


@pytest.fixture(scope="module")
def emu():
    with Emulator(bundled_scenario_path("fleet")) as emulator:
        yield emulator


def get(emu, path, auth=(PARENT, PARENT_TOKEN), **params):
    return requests.get(emu.base_url + path, params=params, auth=auth, timeout=10)


def client_for(emu, account_sid: str, token: str) -> Client:
    """The real SDK authenticated as one account (its own SID in 2010 paths)."""
    return Client(account_sid, token, http_client=EmulatorHttpClient(emu.base_url))


# --- the listing --------------------------------------------------------------------------

def test_parent_lists_itself_and_every_subaccount_with_its_token(emu):
    body = get(emu, "/api/2010-04-01/Accounts.json").json()
    accounts = {a["sid"]: a for a in body["accounts"]}
    assert list(accounts) == [PARENT] + [sub["account"]["sid"] for sub in FLEET["subaccounts"]]
    assert accounts[PARENT]["owner_account_sid"] == PARENT
    for sub in FLEET["subaccounts"]:
        listed = accounts[sub["account"]["sid"]]
        assert listed["auth_token"] == sub["account"].get("auth_token", sub["auth"]["auth_token"])
        assert listed["owner_account_sid"] == PARENT
        assert listed["status"] == sub["account"]["status"]
        assert listed["type"] == "Full" and listed["uri"] == f"/2010-04-01/Accounts/{listed['sid']}.json"
    assert [a["status"] for a in body["accounts"]] == ["active", "active", "suspended", "closed", "active", "active"]


def test_a_subaccount_may_be_listed_with_a_token_it_rejects(emu):
    outlet = OUTLET["account"]["sid"]
    listed = next(a for a in get(emu, "/api/2010-04-01/Accounts.json").json()["accounts"] if a["sid"] == outlet)
    assert listed["auth_token"] != OUTLET["auth"]["auth_token"]
    rejected = get(emu, "/flex-api/v1/FlexFlows", auth=(outlet, listed["auth_token"]))
    assert rejected.status_code == 401 and rejected.json()["code"] == 20003
    assert get(emu, "/flex-api/v1/FlexFlows", auth=creds(OUTLET)).ok


def test_listing_pages_and_filters(emu):
    first = get(emu, "/api/2010-04-01/Accounts.json", PageSize=2).json()
    assert len(first["accounts"]) == 2 and first["next_page_uri"].startswith("/2010-04-01/Accounts.json?PageSize=2")
    sids = [a["sid"] for a in first["accounts"]]
    uri = first["next_page_uri"]
    while uri:
        page = get(emu, "/api" + uri).json()
        sids += [a["sid"] for a in page["accounts"]]
        uri = page["next_page_uri"]
    assert len(sids) == 6 == len(set(sids))
    active = get(emu, "/api/2010-04-01/Accounts.json", Status="active").json()["accounts"]
    assert [a["friendly_name"] for a in active] == [FLEET["account"]["friendly_name"], "Retail EU", "Wholesale",
                                                    "Outlet"]
    named = get(emu, "/api/2010-04-01/Accounts.json", FriendlyName="Pilot").json()["accounts"]
    assert [a["status"] for a in named] == ["closed"]
    assert get(emu, "/api/2010-04-01/Accounts.json", Status="asleep").status_code == 400


def test_a_subaccount_lists_only_itself(emu):
    accounts = get(emu, "/api/2010-04-01/Accounts.json", auth=creds(RETAIL)).json()["accounts"]
    assert [a["sid"] for a in accounts] == [RETAIL["account"]["sid"]]


def test_sdk_lists_active_subaccounts_with_the_parents_api_key(emu):
    client = sdk_client(emu, username=PARENT_KEY["sid"], password=PARENT_KEY["secret"])
    active = client.api.v2010.accounts.list(status="active")
    assert [a.friendly_name for a in active] == [FLEET["account"]["friendly_name"], "Retail EU", "Wholesale",
                                                 "Outlet"]
    assert active[1].auth_token == RETAIL["auth"]["auth_token"]


# --- each account answers under its own SID and credentials ----------------------------------

def test_v1_paths_answer_from_the_account_the_credentials_name(emu):
    parent_flows = get(emu, "/flex-api/v1/FlexFlows").json()["flex_flows"]
    retail_flows = get(emu, "/flex-api/v1/FlexFlows", auth=creds(RETAIL)).json()["flex_flows"]
    assert parent_flows and retail_flows
    assert {f["account_sid"] for f in parent_flows} == {PARENT}
    assert {f["account_sid"] for f in retail_flows} == {RETAIL["account"]["sid"]}
    assert not {f["sid"] for f in parent_flows} & {f["sid"] for f in retail_flows}
    # a subaccount's resource is not there for the parent's credentials on v1 paths
    retail_flow = retail_flows[0]["sid"]
    assert get(emu, f"/flex-api/v1/FlexFlows/{retail_flow}").status_code == 404


def test_sdk_as_a_subaccount_reads_its_own_2010_and_v1_resources(emu):
    retail_sid, retail_token = creds(RETAIL)
    client = client_for(emu, retail_sid, retail_token)
    before = len(emu.requests)
    numbers = client.incoming_phone_numbers.list()
    assert [n.phone_number for n in numbers] == [n["phone_number"] for n in RETAIL["incoming_phone_numbers"]]
    assert client.conversations.v1.services.list()[0].account_sid == retail_sid
    assert client.serverless.v1.services.list()[0].unique_name == "retail-eu-flex-helpers"
    assert client.messages.list(limit=1)[0].account_sid == retail_sid
    logged = emu.requests[before:]
    assert logged and all(r["username"] == retail_sid and r["account"] == retail_sid and r["status"] == 200
                          for r in logged)


@pytest.mark.parametrize("other", [PARENT, WHOLESALE["account"]["sid"]], ids=["parent", "sibling"])
def test_a_subaccount_cannot_read_the_parent_or_a_sibling(emu, other):
    """Twilio's error 20003 lists 'subaccount credentials used to access the main account or another
    subaccount': 401, not 404, for an account that exists."""
    for path in (f"/api/2010-04-01/Accounts/{other}.json",
                 f"/api/2010-04-01/Accounts/{other}/IncomingPhoneNumbers.json",
                 f"/api/2010-04-01/Accounts/{other}/Messages.json"):
        response = get(emu, path, auth=creds(RETAIL))
        assert response.status_code == 401 and response.json()["code"] == 20003


def test_an_unknown_account_in_the_path_stays_404(emu):
    response = get(emu, f"/api/2010-04-01/Accounts/{sid('AC', 404)}/IncomingPhoneNumbers.json", auth=creds(RETAIL))
    assert response.status_code == 404 and response.json()["code"] == 20404


def test_the_parents_token_reads_a_subaccounts_2010_resources_its_api_key_does_not(emu):
    retail = RETAIL["account"]["sid"]
    path = f"/api/2010-04-01/Accounts/{retail}/IncomingPhoneNumbers.json"
    numbers = get(emu, path).json()["incoming_phone_numbers"]
    assert {n["account_sid"] for n in numbers} == {retail}
    assert emu.requests[-1]["username"] == PARENT and emu.requests[-1]["account"] == retail
    by_key = get(emu, path, auth=(PARENT_KEY["sid"], PARENT_KEY["secret"]))
    assert by_key.status_code == 401 and by_key.json()["code"] == 20003


@pytest.mark.parametrize("body", [SUSPENDED, CLOSED], ids=["suspended", "closed"])
def test_suspended_and_closed_credentials_answer_401_everywhere(emu, body):
    account_sid, token = creds(body)
    for path in ("/api/2010-04-01/Accounts.json", f"/api/2010-04-01/Accounts/{account_sid}.json",
                 "/flex-api/v1/FlexFlows", "/conversations/v1/Services", "/serverless/v1/Services"):
        response = get(emu, path, auth=(account_sid, token))
        assert response.status_code == 401 and response.json()["code"] == 20003
    key = body["auth"]["api_keys"][0]
    assert get(emu, "/flex-api/v1/FlexFlows", auth=(key["sid"], key["secret"])).status_code == 401
    # the parent's token cannot reach into it either
    assert get(emu, f"/api/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers.json").status_code == 401


def test_sdk_sees_401_for_a_suspended_subaccount(emu):
    account_sid, token = creds(SUSPENDED)
    client = client_for(emu, account_sid, token)
    with pytest.raises(TwilioRestException) as caught:
        client.api.v2010.accounts(account_sid).fetch()
    assert caught.value.status == 401 and caught.value.code == 20003
    with pytest.raises(TwilioRestException) as caught:
        client.flex_api.v1.flex_flow(FLEET["flex_flows"][0]["sid"]).fetch()
    assert caught.value.status == 401


def test_one_subaccount_denies_its_proxy_family(emu):
    assert get(emu, "/proxy/v1/Services").status_code == 200
    assert get(emu, "/proxy/v1/Services", auth=creds(RETAIL)).status_code == 200
    denied = get(emu, "/proxy/v1/Services", auth=creds(WHOLESALE))
    assert denied.status_code == 403 and denied.json()["code"] == 20403
    assert get(emu, "/flex-api/v1/FlexFlows", auth=creds(WHOLESALE)).status_code == 200


def test_emulator_wide_faults_apply_to_every_account_and_add_to_a_subaccounts_own():
    with Emulator(bundled_scenario_path("fleet"), deny={"studio": 503}) as emu:
        for auth in ((PARENT, PARENT_TOKEN), creds(RETAIL), creds(WHOLESALE)):
            assert get(emu, "/studio/v2/Flows", auth=auth).status_code == 503
        assert get(emu, "/proxy/v1/Services", auth=creds(WHOLESALE)).status_code == 403


def test_a_subaccounts_own_latency_and_fault_rate():
    scenario = small_scenario()
    scenario["subaccounts"] = [{"faults": {"latency_ms": 300, "fault_rate": 1.0}}]
    with Emulator(scenario) as emu:
        sub = next(iter(emu.subaccounts.items()))
        started = time.monotonic()
        assert requests.get(emu.base_url + "/flex-api/v1/FlexFlows", auth=sub, timeout=10).status_code in (429, 503)
        assert time.monotonic() - started >= 0.3
        started = time.monotonic()
        assert requests.get(emu.base_url + "/flex-api/v1/FlexFlows", auth=(emu.account_sid, emu.auth_token),
                            timeout=10).status_code == 200
        assert time.monotonic() - started < 0.3


def test_a_scan_of_a_subaccount_is_authenticated_as_that_subaccount(emu, tmp_path):
    """The existing scanner, pointed at a subaccount's own credentials: every request names it."""
    retail_sid, retail_token = creds(RETAIL)
    before = len(emu.requests)
    result = CliRunner().invoke(cli, ["scan", "--account-sid", retail_sid, "--auth-token", retail_token,
                                      "--api-base-url", emu.base_url, "--as-of", "2026-11-21", "--quiet",
                                      "--format", "json", "--output-dir", str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    logged = emu.requests[before:]
    assert len(logged) > 10
    assert {r["username"] for r in logged} == {retail_sid}
    assert {r["account"] for r in logged} == {retail_sid}
    report = json.loads((tmp_path / "out" / "flexaudit-report.json").read_text())
    assert report["account"]["sid"] == retail_sid


def test_emulator_command_serves_the_fleet_and_prints_each_subaccount():
    process = subprocess.Popen(
        [sys.executable, "-c", "from flexaudit.cli import main; main(['emulator', '--scenario', 'fleet'])"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(1 + len(FLEET["subaccounts"]))]
        found = re.search(r"(http://127\.0\.0\.1:\d+) account_sid=(AC\w+)", lines[0])
        assert found and found.group(2) == PARENT, lines
        printed = [re.search(r"subaccount account_sid=(AC\w+) auth_token=(\w+)", line).groups() for line in lines[1:]]
        assert printed == [creds(sub) for sub in FLEET["subaccounts"]]
        assert requests.get(f"{found.group(1)}/flex-api/v1/FlexFlows", auth=printed[0], timeout=10).ok
    finally:
        process.send_signal(signal.SIGTERM)  # SIGINT may be ignored in a background shell
        process.communicate(timeout=10)
    assert process.returncode == 0


# --- the scenario format ------------------------------------------------------------------------

def test_subaccounts_get_stable_sids_and_their_own_resource_sids():
    scenario = small_scenario()
    scenario["subaccounts"] = [{"flex_flows": [{"friendly_name": "F"}]}, {}]
    first, again = load_scenario(scenario), load_scenario(scenario)
    subs = [s.account_sid for s in first.subaccounts]
    assert subs == [s.account_sid for s in again.subaccounts] and len(set(subs)) == 2
    flow = first.subaccounts[0].lists["flex_flows"].all()[0]
    assert flow["account_sid"] == subs[0] and flow["sid"] not in first.by_sid["flex_flows"]
    assert first.subaccounts[0].account["owner_account_sid"] == first.account_sid
    assert first.subaccounts[0].parent is first


@pytest.mark.parametrize("subaccounts,message", [
    ([{"subaccounts": []}], "subaccounts[0]: a subaccount cannot have subaccounts of its own"),
    ([{"account": {"status": "frozen"}}], "subaccounts[0].account.status must be one of active, suspended, closed"),
    ([{"flex_flows": [{"sid": "FO1"}]}], "subaccounts[0].flex_flows[0].sid must be 'FO'"),
    ([{"faults": {"deny": {"pigeons": 403}}}], "subaccounts[0].faults: deny: unknown family 'pigeons'"),
    ([{"account": {"sid": sid("AC", 0xACC)}}], "subaccounts[0].account.sid"),
    ([{"auth": {"api_keys": [{"sid": sid("SK", 1), "secret": "x"}]}}], "is already a key of auth.api_keys"),
    ([{"colour": "red"}], "subaccounts[0].unknown key(s) colour"),
])
def test_bad_subaccounts_name_the_problem(subaccounts, message):
    scenario = small_scenario()
    scenario["subaccounts"] = subaccounts
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario)
    assert message in str(caught.value)

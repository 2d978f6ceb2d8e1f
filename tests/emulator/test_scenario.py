"""Scenario loading (validation, defaults, lazy repeat) and paging over it, without sockets."""

from __future__ import annotations

import base64
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexaudit.emulator import ScenarioError, demo_scenario_path, load_scenario
from flexaudit.emulator.dispatch import Dispatcher
from flexaudit.emulator.faults import FaultInjector, FaultSettings
from flexaudit.emulator.scenario import DEFAULT_ACCOUNT_SID

from tests.support.emulator import IS_FLEX, KS, sid, small_scenario


def _dispatcher(scenario) -> tuple[Dispatcher, str]:
    loaded = load_scenario(scenario)
    auth = "Basic " + base64.b64encode(f"{loaded.account_sid}:{loaded.auth_token}".encode()).decode()
    return Dispatcher(loaded, FaultInjector(FaultSettings())), auth


def _read_all(dispatcher: Dispatcher, auth: str, sub: str, target: str) -> list[str]:
    """Follow next links like the SDK does; returns the SIDs in the order served."""
    sids = []
    while target:
        answer = dispatcher.answer("GET", target, auth)
        assert answer.status == 200, answer.body
        body = answer.body
        if "meta" in body:
            sids += [r["sid"] for r in body[body["meta"]["key"]]]
            url = body["meta"]["next_page_url"]
            assert url is None or url.startswith(f"https://{sub}.twilio.com/")
            target = url and f"/{sub}" + url.split(".twilio.com", 1)[1]
        else:
            key = next(k for k, v in body.items() if isinstance(v, list))
            sids += [r["sid"] for r in body[key]]
            uri = body["next_page_uri"]
            assert uri is None or uri.startswith("/2010-04-01/")
            target = uri and f"/{sub}{uri}"
    return sids


# --- loading and validation ---------------------------------------------------

def test_empty_scenario_is_a_valid_account():
    scenario = load_scenario({})
    assert scenario.account_sid == DEFAULT_ACCOUNT_SID
    assert len(scenario.auth_token) == 32
    assert scenario.singletons == {"flex_configuration": None, "conversations_configuration": None}


def test_defaults_fill_a_resource(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"flex_flows": [{"friendly_name": "F"}]}))
    scenario = load_scenario(path)
    (flow,) = scenario.lists["flex_flows"].all()
    assert flow["sid"].startswith("FO") and len(flow["sid"]) == 34
    assert flow["account_sid"] == scenario.account_sid
    assert flow["url"] == f"https://flex-api.twilio.com/v1/FlexFlows/{flow['sid']}"
    assert load_scenario(path).lists["flex_flows"].all()[0]["sid"] == flow["sid"]  # stable across loads


@pytest.mark.parametrize("data,message", [
    ([], "a scenario is a file path or a dict"),
    ({"acount": {}}, "unknown key(s) acount"),
    ({"account": {"sid": "AC123"}}, "account.sid must be 'AC' followed by 32 hex digits"),
    ({"auth": {"auth_token": ""}}, "auth.auth_token"),
    ({"auth": {"api_keys": [{"sid": sid("SK", 1)}]}}, "auth.api_keys[0].secret"),
    ({"flex_flows": {}}, "flex_flows must be a list, got an object"),
    ({"flex_flows": [{"sid": sid("FW", 1)}]}, "flex_flows[0].sid must be 'FO'"),
    ({"flex_flows": [{"sid": sid("FO", 1)}, {"sid": sid("FO", 1)}]}, "flex_flows[1]: duplicate sid"),
    ({"chat_services": [{"channels": [{"repeat": -1}]}]}, "chat_services[0].channels[0].repeat must be a non-negative integer"),
    ({"chat_services": [{"channels": [{"repeat": 2, "template": {"sid": sid("CH", 1)}}]}]}, "must not set sid"),
    ({"chat_services": [{"channels": [{"repeat": 2, "extra": 1}]}]}, "only 'repeat' and 'template'"),
    ({"chat_services": [{"channels": [{"type": "secret"}]}]}, "channels[0].type must be 'public' or 'private'"),
    ({"messaging_services": [{"phone_numbers": [{"repeat": 3}]}]}, "only allowed in channels and sessions"),
    ({"faults": {"fault_rate": 2}}, "faults: fault_rate"),
    ({"faults": {"deny": {"pigeons": 403}}}, "faults: deny: unknown family 'pigeons'"),
    ({"faults": {"typo": 1}}, "faults: unknown key(s) typo"),
])
def test_bad_scenarios_name_the_problem(data, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    assert message in str(caught.value)


def test_bad_files_are_scenario_errors(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"account": ')
    with pytest.raises(ScenarioError, match=r"broken.json: not valid JSON: .*line 1"):
        load_scenario(broken)
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    with pytest.raises(ScenarioError, match=r"list.json: the scenario must be a JSON object"):
        load_scenario(listed)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"flex_flows": 3}')
    with pytest.raises(ScenarioError, match=r"wrong.json: flex_flows must be a list"):
        load_scenario(wrong)


def test_notes_are_allowed():
    load_scenario({"name": "x", "description": "y", "_comment": "z", "$schema": "w"})


def test_demo_scenario_path_points_into_the_package():
    path = demo_scenario_path()
    assert path.name == "demo.json" and path.parent.name == "scenarios"
    if path.exists():  # written by the lead; must load when present
        load_scenario(path)


# --- lazy repeat --------------------------------------------------------------------

def test_repeat_block_costs_no_memory_and_pages_fast():
    scenario = small_scenario()
    scenario["chat_services"][0]["channels"] = [
        {"repeat": 5_000_000, "template": {"type": "private", "attributes": {"status": "INACTIVE"}}}]
    started = time.monotonic()
    dispatcher, auth = _dispatcher(scenario)
    target = f"/chat/v2/Services/{IS_FLEX}/Channels?Type=private&PageSize=100&Page=40000"
    answer = dispatcher.answer("GET", target, auth)
    assert answer.status == 200 and len(answer.body["channels"]) == 100
    assert time.monotonic() - started < 1.0
    first = answer.body["channels"][0]
    assert json.loads(first["attributes"]) == {"status": "INACTIVE"}
    assert first["url"] == f"https://chat.twilio.com/v2/Services/{IS_FLEX}/Channels/{first['sid']}"
    assert first["links"]["messages"] == first["url"] + "/Messages"


def test_repeated_sids_are_unique_across_blocks_and_parents():
    scenario = small_scenario()
    scenario["chat_services"][1]["channels"] = [{"repeat": 50}, {"repeat": 50}]
    scenario["chat_services"][0]["channels"] = [{"repeat": 50}]
    loaded = load_scenario(scenario)
    sids = [c["sid"] for svc in (IS_FLEX, sid("IS", 2))
            for c in loaded.child_list("chat_services", "channels", svc).all()]
    assert len(sids) == 150 == len(set(sids))
    assert all(s.startswith("CH") and len(s) == 34 and int(s[2:], 16) >= 0 for s in sids)


def test_repeated_resources_keep_template_fields():
    loaded = load_scenario(small_scenario())
    sessions = loaded.child_list("proxy_services", "sessions", KS).all()
    repeated = sessions[1:-1]
    assert {s["status"] for s in repeated} == {"closed"}
    assert {s["date_started"] for s in repeated} == {"2026-03-01T00:00:00Z"}
    assert all(s["links"]["participants"] == s["url"] + "/Participants" for s in repeated)


# --- paging sees every item once, whatever the layout and page size -----------------------

_layouts = st.lists(st.tuples(st.sampled_from(["written", "repeat"]), st.integers(0, 40)), max_size=6)


@settings(max_examples=60, deadline=None)
@given(layout=_layouts, page_size=st.integers(1, 130))
def test_v1_paging_sees_every_channel_once_in_order(layout, page_size):
    channels, expected_written = [], {}
    position = 0
    serial = 0
    for kind, n in layout:
        if kind == "repeat":
            channels.append({"repeat": n, "template": {"type": "private"}})
        else:
            for _ in range(n):
                serial += 1
                channels.append({"sid": sid("CH", serial), "type": "private"})
                expected_written[position] = sid("CH", serial)
                position += 1
            continue
        position += n
    scenario = small_scenario()
    scenario["chat_services"][0]["channels"] = channels
    dispatcher, auth = _dispatcher(scenario)
    base = f"/chat/v2/Services/{IS_FLEX}/Channels?Type=private"
    sids = _read_all(dispatcher, auth, "chat", f"{base}&PageSize={page_size}")
    assert len(sids) == position == len(set(sids))
    assert all(sids[i] == s for i, s in expected_written.items())
    assert sids == _read_all(dispatcher, auth, "chat", f"{base}&PageSize=100")


@settings(max_examples=30, deadline=None)
@given(count=st.integers(0, 60), page_size=st.integers(1, 70))
def test_2010_paging_sees_every_number_once_in_order(count, page_size):
    scenario = small_scenario()
    scenario["incoming_phone_numbers"] = [{"sid": sid("PN", i), "phone_number": f"+1555{i:07d}"}
                                          for i in range(count)]
    dispatcher, auth = _dispatcher(scenario)
    account = dispatcher.scenario.account_sid
    sids = _read_all(dispatcher, auth, "api",
                     f"/api/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json?PageSize={page_size}")
    assert sids == [sid("PN", i) for i in range(count)]


def test_the_emulator_serves_exactly_the_families_the_scan_reads_from_the_api():
    """--deny/--hang name families: every family the scan reads over HTTP, and nothing else."""
    from flexaudit.emulator import FAMILIES
    from flexaudit.scan.families import FAMILY_TABLE

    assert sorted(FAMILIES) == sorted(f.name for f in FAMILY_TABLE if f.reads_api)

"""Serverless (Twilio Functions): the walk a code scan makes, shared builds, secrets served only on request."""

from __future__ import annotations

import pytest
import requests

from flexaudit.emulator import Emulator, ScenarioError, load_scenario
from flexaudit.emulator.serverless import FAKE_SECRET_PREFIX

from tests.support.emulator import ACCOUNT, TOKEN, sdk_client, sid, small_scenario

ZS = sid("ZS", 1)
ZS_EMPTY = sid("ZS", 2)
LEGACY = "const client = context.getTwilioClient();\nawait client.chat.v2.services(sid).channels(ch).remove();\n"
HOURS_V1 = "exports.handler = (c, e, cb) => cb(null, {open: true});\n"
HOURS_V2 = "exports.handler = (c, e, cb) => cb(null, {open: false});\n"


def _scenario() -> dict:
    scenario = small_scenario()
    scenario["serverless_services"] = [
        {"sid": ZS, "unique_name": "flex-helpers", "friendly_name": "Flex helpers",
         "builds": {
             "current": {"functions": [{"path": "/close-chat", "content": LEGACY},
                                       {"path": "/hours", "visibility": "public", "content": HOURS_V2}],
                         "assets": [{"path": "/plugin-legacy.js"}],
                         "dependencies": [{"name": "twilio", "version": "3.29.2"}]},
             "old": {"functions": [{"path": "/hours", "visibility": "public", "content": HOURS_V1}]},
             "same": {"functions": [{"path": "/hours", "visibility": "public", "content": HOURS_V2}]},
         },
         "environments": [{"unique_name": "production", "build": "current"},
                          {"unique_name": "staging", "build": "current"},
                          {"unique_name": "dev", "build": "old",
                           "variables": {"DB_PASSWORD": "FAKE-SECRET-db", "CRM_TOKEN": "FAKE-SECRET-crm",
                                         "REGION": "us1"}},
                          {"unique_name": "sandbox"}]},
        {"sid": ZS_EMPTY, "unique_name": "nothing-deployed"},
    ]
    return scenario


@pytest.fixture(scope="module")
def emu():
    with Emulator(_scenario()) as emulator:
        yield emulator


def get(emu, path, **params):
    response = requests.get(f"{emu.base_url}/serverless{path}", params=params, auth=(ACCOUNT, TOKEN), timeout=10)
    return response


def test_the_walk_a_code_scan_makes_with_the_sdk(emu):
    """Services -> environments -> their builds -> function versions -> content, each version read once."""
    client = sdk_client(emu)
    services = client.serverless.v1.services.list(page_size=1)
    assert [s.unique_name for s in services] == ["flex-helpers", "nothing-deployed"]
    environments = client.serverless.v1.services(ZS).environments.list()
    assert [e.unique_name for e in environments] == ["production", "staging", "dev", "sandbox"]
    assert environments[0].build_sid == environments[1].build_sid  # production and staging share one build
    assert environments[3].build_sid is None  # nothing deployed
    sources = {}
    for build_sid in {e.build_sid for e in environments if e.build_sid}:
        build = client.serverless.v1.services(ZS).builds(build_sid).fetch()
        assert build.status == "completed"
        for version in build.function_versions:
            assert version["sid"].startswith("ZN") and version["function_sid"].startswith("ZH")
            content = (client.serverless.v1.services(ZS).functions(version["function_sid"])
                       .function_versions(version["sid"]).function_version_content().fetch())
            assert content.sid == version["sid"]
            sources[(version["path"], version["sid"])] = content.content
    assert sorted(path for path, _ in sources) == ["/close-chat", "/hours", "/hours"]
    assert sorted(sources.values()) == sorted([LEGACY, HOURS_V1, HOURS_V2])
    assert ".chat.v2" in sources[next(k for k in sources if k[0] == "/close-chat")]


def test_build_lists_versions_assets_and_dependencies(emu):
    production = get(emu, f"/v1/Services/{ZS}/Environments").json()["environments"][0]
    build = get(emu, f"/v1/Services/{ZS}/Builds/{production['build_sid']}").json()
    assert {v["path"]: v["visibility"] for v in build["function_versions"]} == {"/close-chat": "protected",
                                                                              "/hours": "public"}
    assert [a["path"] for a in build["asset_versions"]] == ["/plugin-legacy.js"]
    assert build["dependencies"] == [{"name": "twilio", "version": "3.29.2"}]
    assert build["links"]["build_status"].endswith(f"/Builds/{build['sid']}/Status")


def test_functions_and_versions(emu):
    functions = get(emu, f"/v1/Services/{ZS}/Functions", PageSize=1).json()
    assert functions["meta"]["next_page_url"]  # two functions, one a page
    all_functions = functions["functions"] + get(
        emu, "/v1" + functions["meta"]["next_page_url"].split("/v1", 1)[1]).json()["functions"]
    assert [f["friendly_name"] for f in all_functions] == ["close-chat", "hours"]
    hours = all_functions[1]
    versions = {v["sid"] for e in get(emu, f"/v1/Services/{ZS}/Environments").json()["environments"] if e["build_sid"]
                for v in get(emu, f"/v1/Services/{ZS}/Builds/{e['build_sid']}").json()["function_versions"]
                if v["function_sid"] == hours["sid"]}
    assert len(versions) == 2  # v1 (dev) and v2 (current)
    for version in versions:
        fetched = get(emu, f"/v1/Services/{ZS}/Functions/{hours['sid']}/Versions/{version}").json()
        assert fetched["path"] == "/hours" and fetched["links"]["function_version_content"].endswith("/Content")


def test_identical_source_in_two_builds_is_one_version():
    loaded = load_scenario(_scenario())
    builds = {b["sid"]: b for (_, _), b in loaded.serverless.builds.items()}
    hours = {b["sid"]: [v["sid"] for v in b["function_versions"] if v["path"] == "/hours"] for b in builds.values()}
    current, old, same = (hours[b] for b in builds)  # file order: current, old, same
    assert current == same and current != old


def test_variables_are_served_with_a_recognisable_fake_secret_and_logged(emu):
    environments = get(emu, f"/v1/Services/{ZS}/Environments").json()["environments"]
    before = len(emu.requests)
    default = get(emu, f"/v1/Services/{ZS}/Environments/{environments[0]['sid']}/Variables").json()["variables"]
    assert [v["value"] for v in default] == [f"{FAKE_SECRET_PREFIX}{environments[0]['sid']}"]
    path = f"/v1/Services/{ZS}/Environments/{environments[2]['sid']}/Variables"
    first = get(emu, path, PageSize=2).json()
    stated = first["variables"] + get(emu, "/v1" + first["meta"]["next_page_url"].split("/v1", 1)[1]).json()["variables"]
    assert [(v["key"], v["value"]) for v in stated] == [
        ("DB_PASSWORD", "FAKE-SECRET-db"), ("CRM_TOKEN", "FAKE-SECRET-crm"), ("REGION", "us1")]
    logged = [r for r in emu.requests[before:] if r["path"].endswith("/Variables")]
    assert len(logged) == 3 and all(r["sub"] == "serverless" and r["status"] == 200 for r in logged)


@pytest.mark.parametrize("path", [
    f"/v1/Services/{sid('ZS', 9)}", f"/v1/Services/{sid('ZS', 9)}/Environments",
    f"/v1/Services/{ZS}/Builds/{sid('ZB', 9)}", f"/v1/Services/{ZS_EMPTY}/Builds/{sid('ZB', 9)}",
    f"/v1/Services/{ZS}/Functions/{sid('ZH', 9)}/Versions/{sid('ZN', 9)}/Content",
    f"/v1/Services/{ZS}/Environments/{sid('ZE', 9)}/Variables",
])
def test_unknown_serverless_resources_are_404(emu, path):
    response = get(emu, path)
    assert response.status_code == 404 and response.json()["code"] == 20404


def test_every_serverless_route_is_family_serverless():
    with Emulator(_scenario(), deny={"serverless": 403}) as emu:
        for path in ("/v1/Services", f"/v1/Services/{ZS}/Environments", f"/v1/Services/{ZS}/Functions"):
            assert get(emu, path).status_code == 403
        assert requests.get(f"{emu.base_url}/flex-api/v1/FlexFlows", auth=(ACCOUNT, TOKEN), timeout=10).ok


@pytest.mark.parametrize("service,message", [
    ({"environments": [{"build": "missing"}]}, "environments[0].build 'missing' names no build"),
    ({"builds": {"b": {"functions": [{"path": "no-slash"}]}}}, "builds.b.functions[0].path must be a string starting"),
    ({"builds": {"b": {"functions": [{"path": "/x", "content": 3}]}}}, "content must be a string"),
    ({"builds": {"b": {"functions": [{"path": "/x", "visibility": "secret"}]}}}, "visibility must be one of"),
    ({"sid": "ZS1"}, "serverless_services[0].sid must be 'ZS' followed by 32 hex digits"),
    ({"colour": "red"}, "serverless_services[0]: unknown key(s) colour"),
])
def test_bad_serverless_services_name_the_problem(service, message):
    with pytest.raises(ScenarioError) as caught:
        load_scenario({"serverless_services": [service]})
    assert message in str(caught.value)

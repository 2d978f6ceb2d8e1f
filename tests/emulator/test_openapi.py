"""Every emulator response validates against Twilio's published OpenAPI response schema.

The schemas come from tests/data/twilio-oai/ (excerpts of twilio/twilio-oai,
MIT). Checks are stricter than the spec itself: every property the spec lists
must be present and no other may appear, so the emulator's shapes stay
complete and invented fields are caught.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests
from jsonschema import Draft7Validator

from flexaudit.emulator import Emulator, bundled_scenario_path, demo_scenario_path, load_scenario

from tests.support import DATA
from tests.support.emulator import ACCOUNT, FO, FW, IS_FLEX, KS, MG, WS, sid, small_scenario

SPEC_DIR = DATA / "twilio-oai"

# The small scenario with the products of the migration companion: messages,
# Conversations services and conversations, Serverless, a subaccount.
IS_CONV = sid("IS", 9)
PN_1 = sid("PN", 1)
PN_3 = sid("PN", 3)
ZS = sid("ZS", 1)
ZE = sid("ZE", 1)
ZB = sid("ZB", 1)
ZH = sid("ZH", 1)
ZN = sid("ZN", 1)
EXTRA = {
    "messages": [
        {"to": "+15550100001", "count": 5, "newest": "2026-10-02T14:03:11Z"},
        {"to": "+15550100001", "date_sent": "2026-10-02T13:00:00Z", "from": "+15005550006"},
    ],
    "conversation_services": [{"sid": IS_CONV, "conversations": [
        {"repeat": 3, "template": {"state": "active", "attributes": {"k": 1}}},
        {"sid": sid("CH", 7), "state": "closed", "timers": {"date_closed": "2026-10-02T13:00:00Z"}},
    ]}],
    "serverless_services": [{"sid": ZS, "unique_name": "helpers", "builds": {
        "b1": {"sid": ZB, "functions": [{"path": "/a", "function_sid": ZH, "sid": ZN, "content": "exports.a = 1;"},
                                        {"path": "/b", "content": "exports.b = 1;"}],
               "assets": [{"path": "/plugin.js"}]}},
        "environments": [{"sid": ZE, "unique_name": "production", "build": "b1"}, {"unique_name": "dev"}]}],
    "subaccounts": [{"account": {"friendly_name": "Sub"}}, {"account": {"status": "closed"}}],
}


def companion_scenario() -> dict:
    return {**small_scenario(), **EXTRA}

# (spec file, spec path, emulator path with a small PageSize so lists have several pages)
CASES = [
    ("twilio_api_v2010", "/2010-04-01/Accounts/{Sid}.json", f"/api/2010-04-01/Accounts/{ACCOUNT}.json"),
    ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
     f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers.json?PageSize=2"),
    ("twilio_flex_v1", "/v1/Configuration", "/flex-api/v1/Configuration"),
    ("twilio_flex_v1", "/v1/FlexFlows", "/flex-api/v1/FlexFlows?PageSize=2"),
    ("twilio_flex_v1", "/v1/FlexFlows/{Sid}", f"/flex-api/v1/FlexFlows/{FO}"),
    ("twilio_studio_v2", "/v2/Flows", "/studio/v2/Flows?PageSize=1"),
    ("twilio_studio_v2", "/v2/Flows/{Sid}", f"/studio/v2/Flows/{FW}"),
    ("twilio_studio_v2", "/v2/Flows/{Sid}", f"/studio/v2/Flows/{sid('FW', 2)}"),
    ("twilio_proxy_v1", "/v1/Services", "/proxy/v1/Services"),
    ("twilio_proxy_v1", "/v1/Services/{Sid}", f"/proxy/v1/Services/{KS}"),
    ("twilio_proxy_v1", "/v1/Services/{ServiceSid}/PhoneNumbers", f"/proxy/v1/Services/{KS}/PhoneNumbers"),
    ("twilio_proxy_v1", "/v1/Services/{ServiceSid}/Sessions", f"/proxy/v1/Services/{KS}/Sessions?PageSize=4"),
    ("twilio_messaging_v1", "/v1/Services", "/messaging/v1/Services"),
    ("twilio_messaging_v1", "/v1/Services/{Sid}", f"/messaging/v1/Services/{MG}"),
    ("twilio_messaging_v1", "/v1/Services/{ServiceSid}/PhoneNumbers", f"/messaging/v1/Services/{MG}/PhoneNumbers"),
    ("twilio_chat_v2", "/v2/Services", "/chat/v2/Services?PageSize=1"),
    ("twilio_chat_v2", "/v2/Services/{Sid}", f"/chat/v2/Services/{IS_FLEX}"),
    ("twilio_chat_v2", "/v2/Services/{ServiceSid}/Channels",
     f"/chat/v2/Services/{IS_FLEX}/Channels?Type=public&Type=private&PageSize=6"),
    ("twilio_conversations_v1", "/v1/Configuration", "/conversations/v1/Configuration"),
    ("twilio_conversations_v1", "/v1/Configuration/Addresses", "/conversations/v1/Configuration/Addresses?PageSize=1"),
    ("twilio_taskrouter_v1", "/v1/Workspaces/{Sid}", f"/taskrouter/v1/Workspaces/{WS}"),
    ("twilio_taskrouter_v1", "/v1/Workspaces/{WorkspaceSid}/Workflows", f"/taskrouter/v1/Workspaces/{WS}/Workflows"),
    ("twilio_taskrouter_v1", "/v1/Workspaces/{WorkspaceSid}/TaskChannels",
     f"/taskrouter/v1/Workspaces/{WS}/TaskChannels"),
    # the migration companion's reads
    ("twilio_api_v2010", "/2010-04-01/Accounts.json", "/api/2010-04-01/Accounts.json?PageSize=2"),
    ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json",
     f"/api/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers/{PN_1}.json"),
    ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/Messages.json",
     f"/api/2010-04-01/Accounts/{ACCOUNT}/Messages.json?To=%2B15550100001&PageSize=2"),
    ("twilio_proxy_v1", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}", f"/proxy/v1/Services/{KS}/PhoneNumbers/{PN_1}"),
    ("twilio_messaging_v1", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
     f"/messaging/v1/Services/{MG}/PhoneNumbers/{PN_3}"),
    ("twilio_conversations_v1", "/v1/Configuration/Addresses/{Sid}",
     f"/conversations/v1/Configuration/Addresses/{sid('IG', 1)}"),
    ("twilio_conversations_v1", "/v1/Services", "/conversations/v1/Services?PageSize=2"),
    ("twilio_conversations_v1", "/v1/Services/{Sid}", f"/conversations/v1/Services/{IS_CONV}"),
    ("twilio_conversations_v1", "/v1/Services/{Sid}", f"/conversations/v1/Services/{IS_FLEX}"),
    ("twilio_conversations_v1", "/v1/Services/{ChatServiceSid}/Conversations",
     f"/conversations/v1/Services/{IS_CONV}/Conversations?PageSize=2"),
    ("twilio_serverless_v1", "/v1/Services", "/serverless/v1/Services"),
    ("twilio_serverless_v1", "/v1/Services/{Sid}", f"/serverless/v1/Services/{ZS}"),
    ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Environments",
     f"/serverless/v1/Services/{ZS}/Environments?PageSize=1"),
    ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Variables",
     f"/serverless/v1/Services/{ZS}/Environments/{ZE}/Variables"),
    ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Builds/{Sid}", f"/serverless/v1/Services/{ZS}/Builds/{ZB}"),
    ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Functions", f"/serverless/v1/Services/{ZS}/Functions?PageSize=1"),
    ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions/{Sid}",
     f"/serverless/v1/Services/{ZS}/Functions/{ZH}/Versions/{ZN}"),
    ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions/{Sid}/Content",
     f"/serverless/v1/Services/{ZS}/Functions/{ZH}/Versions/{ZN}/Content"),
]


def _specs() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in SPEC_DIR.glob("twilio_*.json")}


SPECS = _specs()


def _nullable_to_jsonschema(node):
    """OpenAPI 3.0 `nullable: true` becomes a JSON Schema null type (and null enum member)."""
    if isinstance(node, list):
        return [_nullable_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_to_jsonschema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _complete(schema: dict) -> dict:
    """Every listed property required, nothing else allowed (top level of this object only)."""
    if "properties" not in schema:
        return schema
    return {**schema, "required": sorted(schema["properties"]), "additionalProperties": False}


def _validator(spec_name: str, spec_path: str, method: str = "get", status: str = "200") -> Draft7Validator:
    """The response schema of one operation (a write's too), completed as the module docstring says."""
    spec = SPECS[spec_name]
    response = spec["paths"][spec_path][method]["responses"][status]["content"]["application/json"]["schema"]
    response = _complete(_nullable_to_jsonschema(response))
    if "meta" in response.get("properties", {}):
        response["properties"]["meta"] = _complete(response["properties"]["meta"])
    components = {name: _complete(_nullable_to_jsonschema(schema))
                  for name, schema in spec["components"]["schemas"].items()}
    return Draft7Validator({"allOf": [response], "components": {"schemas": components}})


@pytest.fixture(scope="module")
def emu():
    with Emulator(companion_scenario()) as emulator:
        yield emulator


def _get(emu, path: str) -> dict:
    response = requests.get(emu.base_url + path, auth=(emu.account_sid, emu.auth_token), timeout=10)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def _next_path(sub: str, body: dict) -> str | None:
    if "meta" in body:
        url = body["meta"]["next_page_url"]
        return url and f"/{sub}" + url.split(".twilio.com", 1)[1]
    uri = body.get("next_page_uri")
    return uri and f"/{sub}{uri}"


def test_specs_were_copied():
    assert set(SPECS) == {case[0] for case in CASES}
    assert (SPEC_DIR / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.parametrize("spec_name,spec_path,path", CASES, ids=[c[2].split("?")[0] for c in CASES])
def test_every_page_matches_the_spec(emu, spec_name, spec_path, path):
    validator = _validator(spec_name, spec_path)
    sub = path.split("/")[1]
    pages = 0
    while path:
        body = _get(emu, path)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
        pages += 1
        path = _next_path(sub, body)
    assert pages >= 1


def test_multi_page_cases_really_have_several_pages(emu):
    for _, _, path in CASES:
        if "PageSize=" in path:
            sub = path.split("/")[1]
            assert _next_path(sub, _get(emu, path)), path


def _list_cases():
    for spec_name, spec_path, path in CASES:
        parameters = SPECS[spec_name]["paths"][spec_path]["get"]["parameters"]
        maxima = [p["schema"].get("maximum") for p in parameters if p["name"] == "PageSize"]
        if maxima and not spec_path.endswith("/TaskChannels"):  # TaskChannels is not paged
            yield pytest.param(path.split("?")[0], maxima[0], id=path.split("?")[0])


@pytest.mark.parametrize("path,maximum", list(_list_cases()))
def test_page_size_maximum_matches_the_spec(emu, path, maximum):
    body = _get(emu, f"{path}?PageSize={maximum + 1}")
    page_size = body["meta"]["page_size"] if "meta" in body else body["page_size"]
    assert page_size == maximum


# --- whole bundled scenarios: every list (first pages) and every fetch ------------------

def _all_endpoints(scenario):
    """(spec, spec path, emulator path) for every endpoint and resource of a loaded scenario."""
    account = scenario.account_sid
    yield "twilio_api_v2010", "/2010-04-01/Accounts.json", "/api/2010-04-01/Accounts.json"
    yield "twilio_api_v2010", "/2010-04-01/Accounts/{Sid}.json", f"/api/2010-04-01/Accounts/{account}.json"
    yield ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
           f"/api/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json?PageSize=1000")
    for number in list(scenario.by_sid["incoming_phone_numbers"])[:20]:
        yield ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json",
               f"/api/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{number}.json")
    yield ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/Messages.json",
           f"/api/2010-04-01/Accounts/{account}/Messages.json?PageSize=1000")
    for address in {f["contact_identity"] for f in scenario.lists["flex_flows"].all() if f.get("contact_identity")}:
        yield ("twilio_api_v2010", "/2010-04-01/Accounts/{AccountSid}/Messages.json",
               f"/api/2010-04-01/Accounts/{account}/Messages.json?To={quote(address)}&PageSize=1")
    if scenario.singletons["flex_configuration"]:
        yield "twilio_flex_v1", "/v1/Configuration", "/flex-api/v1/Configuration"
    yield "twilio_flex_v1", "/v1/FlexFlows", "/flex-api/v1/FlexFlows?PageSize=1000"
    for flow in scenario.by_sid["flex_flows"]:
        yield "twilio_flex_v1", "/v1/FlexFlows/{Sid}", f"/flex-api/v1/FlexFlows/{flow}"
    yield "twilio_studio_v2", "/v2/Flows", "/studio/v2/Flows?PageSize=1000"
    for flow in scenario.by_sid["studio_flows"]:
        yield "twilio_studio_v2", "/v2/Flows/{Sid}", f"/studio/v2/Flows/{flow}"
    for sub, version, spec, kind, children in (
            ("proxy", "v1", "twilio_proxy_v1", "proxy_services", ("PhoneNumbers", "Sessions")),
            ("messaging", "v1", "twilio_messaging_v1", "messaging_services", ("PhoneNumbers",)),
            ("chat", "v2", "twilio_chat_v2", "chat_services", ("Channels",))):
        yield spec, f"/{version}/Services", f"/{sub}/{version}/Services"
        for parent in scenario.by_sid[kind]:
            yield spec, f"/{version}/Services/{{Sid}}", f"/{sub}/{version}/Services/{parent}"
            for child in children:
                query = "Type=public&Type=private&PageSize=100" if child == "Channels" else "PageSize=1000"
                yield (spec, f"/{version}/Services/{{ServiceSid}}/{child}",
                       f"/{sub}/{version}/Services/{parent}/{child}?{query}")
    for kind in ("proxy_services", "messaging_services"):
        sub = kind.split("_")[0]
        spec = f"twilio_{sub}_v1"
        for parent in scenario.by_sid[kind]:
            for number in scenario.child_list(kind, "phone_numbers", parent).take(0, 5):
                yield (spec, "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
                       f"/{sub}/v1/Services/{parent}/PhoneNumbers/{number['sid']}")
    if scenario.singletons["conversations_configuration"]:
        yield "twilio_conversations_v1", "/v1/Configuration", "/conversations/v1/Configuration"
    yield "twilio_conversations_v1", "/v1/Configuration/Addresses", "/conversations/v1/Configuration/Addresses"
    for address in scenario.by_sid["address_configurations"]:
        yield ("twilio_conversations_v1", "/v1/Configuration/Addresses/{Sid}",
               f"/conversations/v1/Configuration/Addresses/{address}")
    yield "twilio_conversations_v1", "/v1/Services", "/conversations/v1/Services?PageSize=100"
    for service in scenario.by_sid["conversation_services"]:
        yield "twilio_conversations_v1", "/v1/Services/{Sid}", f"/conversations/v1/Services/{service}"
        for state in ("active", "inactive", "closed"):
            yield ("twilio_conversations_v1", "/v1/Services/{ChatServiceSid}/Conversations",
                   f"/conversations/v1/Services/{service}/Conversations?State={state}&PageSize=100")
    serverless = scenario.serverless
    yield "twilio_serverless_v1", "/v1/Services", "/serverless/v1/Services"
    for service in serverless.service_by_sid:
        base = f"/serverless/v1/Services/{service}"
        yield "twilio_serverless_v1", "/v1/Services/{Sid}", base
        yield "twilio_serverless_v1", "/v1/Services/{ServiceSid}/Environments", f"{base}/Environments"
        yield "twilio_serverless_v1", "/v1/Services/{ServiceSid}/Functions", f"{base}/Functions"
        for environment in serverless.environments[service].all():
            yield ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Variables",
                   f"{base}/Environments/{environment['sid']}/Variables")
    for service, build in serverless.builds:
        yield "twilio_serverless_v1", "/v1/Services/{ServiceSid}/Builds/{Sid}", f"/serverless/v1/Services/{service}/Builds/{build}"
    for service, function, version in serverless.versions:
        base = f"/serverless/v1/Services/{service}/Functions/{function}/Versions/{version}"
        yield "twilio_serverless_v1", "/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions/{Sid}", base
        yield ("twilio_serverless_v1", "/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions/{Sid}/Content",
               f"{base}/Content")
    for workspace in scenario.by_sid["taskrouter_workspaces"]:
        base = f"/taskrouter/v1/Workspaces/{workspace}"
        yield "twilio_taskrouter_v1", "/v1/Workspaces/{Sid}", base
        yield "twilio_taskrouter_v1", "/v1/Workspaces/{WorkspaceSid}/Workflows", f"{base}/Workflows"
        yield "twilio_taskrouter_v1", "/v1/Workspaces/{WorkspaceSid}/TaskChannels", f"{base}/TaskChannels"


def _synthetic_small():
    from flexaudit.emulator.synthetic import generate_preset
    return generate_preset("small")


BUNDLED = [
    pytest.param(demo_scenario_path, id="demo"),
    pytest.param(lambda: bundled_scenario_path("fleet"), id="fleet"),
    pytest.param(lambda: bundled_scenario_path("demo-migrated"), id="demo-migrated"),
    pytest.param(_synthetic_small, id="synthetic-small"),
]


@pytest.mark.parametrize("make_scenario", BUNDLED)
def test_bundled_scenarios_match_the_spec(make_scenario):
    scenario = load_scenario(make_scenario())
    problems = []
    with Emulator(scenario) as emulator, requests.Session() as session:
        session.auth = (emulator.account_sid, emulator.auth_token)
        for spec_name, spec_path, path in _all_endpoints(scenario):
            response = session.get(emulator.base_url + path, timeout=10)
            assert response.status_code == 200, (path, response.text)
            for error in _validator(spec_name, spec_path).iter_errors(response.json()):
                problems.append(f"{path}: {list(error.absolute_path)}: {error.message[:200]}")
    assert not problems, "\n".join(problems[:20])

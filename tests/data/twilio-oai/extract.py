"""Cut Twilio's OpenAPI specs down to what the emulator tests check, with their $refs.

Rerun after updating the specs:

    python tests/data/twilio-oai/extract.py [SPEC_DIR]

SPEC_DIR holds twilio-oai's spec/json files (default: ../shared/twilio-oai
next to the repository). For each endpoint the emulator serves, the GET
operation's parameters and 200 response schema are kept; for each write the
emulator serves in write mode, the operation's parameters, form body schema
and success responses; plus every component schema they reference,
transitively. One file per spec, named like the input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SPEC_DIR = HERE.parents[3] / "shared" / "twilio-oai"

# spec file stem -> GET paths the emulator serves
ENDPOINTS = {
    "twilio_api_v2010": [
        "/2010-04-01/Accounts.json",
        "/2010-04-01/Accounts/{Sid}.json",
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json",
        "/2010-04-01/Accounts/{AccountSid}/Messages.json",
    ],
    "twilio_flex_v1": ["/v1/Configuration", "/v1/FlexFlows", "/v1/FlexFlows/{Sid}"],
    "twilio_studio_v2": ["/v2/Flows", "/v2/Flows/{Sid}"],
    "twilio_proxy_v1": [
        "/v1/Services", "/v1/Services/{Sid}",
        "/v1/Services/{ServiceSid}/PhoneNumbers", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
        "/v1/Services/{ServiceSid}/Sessions",
    ],
    "twilio_messaging_v1": [
        "/v1/Services", "/v1/Services/{Sid}", "/v1/Services/{ServiceSid}/PhoneNumbers",
        "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
    ],
    "twilio_chat_v2": ["/v2/Services", "/v2/Services/{Sid}", "/v2/Services/{ServiceSid}/Channels"],
    "twilio_conversations_v1": [
        "/v1/Configuration", "/v1/Configuration/Addresses", "/v1/Configuration/Addresses/{Sid}",
        "/v1/Services", "/v1/Services/{Sid}", "/v1/Services/{ChatServiceSid}/Conversations",
    ],
    "twilio_serverless_v1": [
        "/v1/Services", "/v1/Services/{Sid}", "/v1/Services/{ServiceSid}/Environments",
        "/v1/Services/{ServiceSid}/Environments/{EnvironmentSid}/Variables",
        "/v1/Services/{ServiceSid}/Builds/{Sid}", "/v1/Services/{ServiceSid}/Functions",
        "/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions/{Sid}",
        "/v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions/{Sid}/Content",
    ],
    "twilio_taskrouter_v1": [
        "/v1/Workspaces/{Sid}", "/v1/Workspaces/{WorkspaceSid}/Workflows",
        "/v1/Workspaces/{WorkspaceSid}/TaskChannels",
    ],
}

# spec file stem -> (method, path) of the writes the emulator serves in write mode
WRITES = {
    "twilio_api_v2010": [("post", "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json")],
    "twilio_flex_v1": [("post", "/v1/FlexFlows"), ("post", "/v1/FlexFlows/{Sid}"), ("delete", "/v1/FlexFlows/{Sid}")],
    "twilio_proxy_v1": [("post", "/v1/Services/{ServiceSid}/PhoneNumbers"),
                        ("delete", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}")],
    "twilio_messaging_v1": [("post", "/v1/Services/{ServiceSid}/PhoneNumbers"),
                            ("delete", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}")],
    "twilio_conversations_v1": [("post", "/v1/Configuration/Addresses"), ("post", "/v1/Configuration/Addresses/{Sid}"),
                                ("delete", "/v1/Configuration/Addresses/{Sid}")],
}


def _refs(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def extract(spec: dict, paths: list[str], writes: list[tuple[str, str]] = ()) -> dict:
    kept_paths: dict = {}
    for method, path in [("get", p) for p in paths] + list(writes):
        operation = spec["paths"][path][method]
        kept = kept_paths.setdefault(path, {"servers": spec["paths"][path].get("servers", spec.get("servers"))})
        if method == "get":
            kept["get"] = {
                "operationId": operation.get("operationId"),
                "parameters": operation.get("parameters", []),
                "responses": {"200": operation["responses"]["200"]},
            }
        else:
            kept[method] = {
                "operationId": operation.get("operationId"),
                "parameters": operation.get("parameters", []),
                **({"requestBody": operation["requestBody"]} if "requestBody" in operation else {}),
                "responses": {code: answer for code, answer in operation["responses"].items()
                              if code.startswith("2")},
            }
    schemas = spec["components"]["schemas"]
    wanted: dict = {}
    pending = _refs(kept_paths)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted[name] = schemas[name]
            pending |= _refs(schemas[name]) - set(wanted)
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec.get("servers"),
        "paths": kept_paths,
        "components": {"schemas": dict(sorted(wanted.items()))},
    }


def main(argv: list[str]) -> int:
    spec_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SPEC_DIR
    for stem, paths in ENDPOINTS.items():
        spec = json.loads((spec_dir / f"{stem}.json").read_text(encoding="utf-8"))
        out = HERE / f"{stem}.json"
        out.write_text(json.dumps(extract(spec, paths, WRITES.get(stem, ())), indent=1, sort_keys=False) + "\n",
                       encoding="utf-8")
        print(f"wrote {out.relative_to(HERE.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

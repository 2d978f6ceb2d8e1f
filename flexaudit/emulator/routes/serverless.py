"""GET routes of Serverless (Twilio Functions), host `serverless`, family `serverless`."""

from __future__ import annotations

from flexaudit.emulator.errors import not_found
from flexaudit.emulator.routes.base import SERVICE, SID, Call, table, v1
from flexaudit.emulator.scenario import Scenario

_FUNCTION = r"(?P<function>[^/]+)"
_ENVIRONMENT = r"(?P<environment>[^/]+)"


def _found(value, call: Call):
    if value is None:
        raise not_found(call.path)
    return value


def _service_sid(scenario: Scenario, call: Call, param: str = "service") -> str:
    sid = call.params[param]
    _found(scenario.serverless.service_by_sid.get(sid), call)
    return sid


def _services(scenario: Scenario, call: Call) -> dict:
    return v1(scenario.serverless.services, call, "services")


def _service(scenario: Scenario, call: Call) -> dict:
    return _found(scenario.serverless.service_by_sid.get(call.params["sid"]), call)


def _environments(scenario: Scenario, call: Call) -> dict:
    return v1(scenario.serverless.environments[_service_sid(scenario, call)], call, "environments")


def _environment(scenario: Scenario, call: Call) -> dict:
    return _found(scenario.serverless.environment_by_sid.get((_service_sid(scenario, call), call.params["sid"])), call)


def _variables(scenario: Scenario, call: Call) -> dict:
    # Served so that a test can prove a client never asks: the values are secrets.
    key = (_service_sid(scenario, call), call.params["environment"])
    return v1(_found(scenario.serverless.variables.get(key), call), call, "variables")


def _build(scenario: Scenario, call: Call) -> dict:
    return _found(scenario.serverless.builds.get((_service_sid(scenario, call), call.params["sid"])), call)


def _functions(scenario: Scenario, call: Call) -> dict:
    return v1(scenario.serverless.functions[_service_sid(scenario, call)], call, "functions")


def _function(scenario: Scenario, call: Call) -> dict:
    return _found(scenario.serverless.function_by_sid.get((_service_sid(scenario, call), call.params["sid"])), call)


def _version_key(scenario: Scenario, call: Call) -> tuple[str, str, str]:
    return _service_sid(scenario, call), call.params["function"], call.params["sid"]


def _function_version(scenario: Scenario, call: Call) -> dict:
    return _found(scenario.serverless.versions.get(_version_key(scenario, call)), call)


def _function_version_content(scenario: Scenario, call: Call) -> dict:
    return _found(scenario.serverless.contents.get(_version_key(scenario, call)), call)


_SERVICE_PATH = rf"/v1/Services/{SERVICE}"

ROUTES = table([
    ("serverless", r"/v1/Services", "serverless", _services, "list"),
    ("serverless", rf"/v1/Services/{SID}", "serverless", _service, "fetch"),
    ("serverless", rf"{_SERVICE_PATH}/Environments", "serverless", _environments, "list"),
    ("serverless", rf"{_SERVICE_PATH}/Environments/{SID}", "serverless", _environment, "fetch"),
    ("serverless", rf"{_SERVICE_PATH}/Environments/{_ENVIRONMENT}/Variables", "serverless", _variables, "list"),
    ("serverless", rf"{_SERVICE_PATH}/Builds/{SID}", "serverless", _build, "fetch"),
    ("serverless", rf"{_SERVICE_PATH}/Functions", "serverless", _functions, "list"),
    ("serverless", rf"{_SERVICE_PATH}/Functions/{SID}", "serverless", _function, "fetch"),
    ("serverless", rf"{_SERVICE_PATH}/Functions/{_FUNCTION}/Versions/{SID}", "serverless", _function_version, "fetch"),
    ("serverless", rf"{_SERVICE_PATH}/Functions/{_FUNCTION}/Versions/{SID}/Content", "serverless",
     _function_version_content, "fetch"),
])

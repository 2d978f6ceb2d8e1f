"""From one HTTP request to one answer: auth, method, route, faults, handler.

Kept apart from the socket code so the order of checks reads in one place:
latency, authentication (401), method (405), route (404), deny, hang,
injected 429/503, then the resource itself.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from flexaudit.emulator import routes
from flexaudit.emulator.errors import TwilioError, error_body, not_found
from flexaudit.emulator.faults import FaultInjector
from flexaudit.emulator.scenario import Scenario

_log = logging.getLogger(__name__)


@dataclass
class Answer:
    status: int
    body: dict
    sub: str
    path: str
    query: str
    username: str | None
    headers: dict[str, str] = field(default_factory=dict)


class Dispatcher:
    def __init__(self, scenario: Scenario, faults: FaultInjector):
        self.scenario = scenario
        self.faults = faults

    def answer(self, method: str, target: str, authorization: str | None) -> Answer:
        parts = urlsplit(target)
        sub, _, rest = unquote(parts.path).lstrip("/").partition("/")
        path = "/" + rest
        username, password = _basic_credentials(authorization)
        answer = Answer(200, {}, sub, path, parts.query, username)
        try:
            answer.body = self._resource(method, sub, path, parts.query, username, password)
        except TwilioError as error:
            answer.status = error.status
            answer.body = error_body(error)
            if error.status == 401:
                answer.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        except Exception:  # a bug here must still answer, as Twilio's own 500s do
            _log.exception("emulator failed on %s %s", method, target)
            error = TwilioError(500)
            answer.status, answer.body = 500, error_body(error)
        return answer

    def _resource(self, method: str, sub: str, path: str, query: str, username: str | None,
                  password: str | None) -> dict:
        settings = self.faults.settings
        self.faults.pause(settings.latency_ms / 1000)
        if not self._authenticated(username, password):
            raise TwilioError(401)
        if method != "GET":
            raise TwilioError(405, f"Method {method} not allowed: the emulator serves a read-only auditor")
        found = routes.match(sub, path)
        if found is None:
            raise not_found(path)
        route, params = found
        denied = self.faults.denied_status(route.family)
        if denied:
            raise TwilioError(denied)
        if self.faults.hangs(route.family):
            self.faults.pause(settings.hang_seconds)
        injected = self.faults.injected_status(f"{method} /{sub}{path}?{query}")
        if injected:
            raise TwilioError(injected)
        call = routes.Call(sub, path, parse_qsl(query, keep_blank_values=True), params)
        return route.handler(self.scenario, call)

    def _authenticated(self, username: str | None, password: str | None) -> bool:
        if username is None or password is None:
            return False
        if username == self.scenario.account_sid:
            expected = self.scenario.auth_token
        else:
            expected = self.scenario.api_keys.get(username)
        return expected is not None and hmac.compare_digest(password.encode(), expected.encode())


def _basic_credentials(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else (username, None)

"""From one HTTP request to one answer: auth, method, route, account, faults, handler.

Kept apart from the socket code so the order of checks reads in one place:
latency, authentication (401), method (405), route (404, or 405 for a path
that answers other methods), the account a 2010 path names (404/401), deny,
hang, Retry-After 429, redirect 307, injected 429/503, then the resource
itself; then the paging faults rewrite a list page's links, and the answer
carries the delivery faults (trickle, gzip) for the server to apply.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from flexaudit.emulator import pagefaults, routes
from flexaudit.emulator.accounts import Accounts
from flexaudit.emulator.errors import TwilioError, error_body, not_found
from flexaudit.emulator.faults import FaultInjector, FaultSettings
from flexaudit.emulator.scenario import Scenario

_log = logging.getLogger(__name__)

WRITE_METHODS = ("POST", "DELETE")


@dataclass
class Answer:
    status: int
    body: dict | None  # None: no body at all (204, 307)
    sub: str
    path: str
    query: str
    username: str | None
    headers: dict[str, str] = field(default_factory=dict)
    account: str | None = None  # the account whose resources answered
    trickle_bps: float | None = None
    inflate_to: int | None = None


class Dispatcher:
    def __init__(self, scenario: Scenario, faults: FaultInjector, allow_writes: bool = False):
        self.scenario = scenario
        self.faults = faults
        self.allow_writes = allow_writes
        self.accounts = Accounts(scenario)
        self._settings: dict[str, FaultSettings] = {}

    def answer(self, method: str, target: str, authorization: str | None, form: bytes = b"") -> Answer:
        parts = urlsplit(target)
        sub, _, rest = unquote(parts.path).lstrip("/").partition("/")
        path = "/" + rest
        username, password = _basic_credentials(authorization)
        answer = Answer(200, {}, sub, path, parts.query, username)
        try:
            self._resource(answer, method, form, password)
        except TwilioError as error:
            answer.status = error.status
            answer.body = error_body(error)
            answer.trickle_bps = answer.inflate_to = None
            if error.status == 401:
                answer.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        except Exception:  # a bug here must still answer, as Twilio's own 500s do
            _log.exception("emulator failed on %s %s", method, target)
            error = TwilioError(500)
            answer.status, answer.body = 500, error_body(error)
        return answer

    def _settings_for(self, account: Scenario) -> FaultSettings:
        """Emulator-wide faults, plus the account's own when it states some."""
        if not account.own_faults:
            return self.faults.settings
        found = self._settings.get(account.account_sid)
        if found is None:
            found = self._settings[account.account_sid] = self.faults.settings.merged(account.own_faults)
        return found

    def _resource(self, answer: Answer, method: str, form: bytes, password: str | None) -> None:
        sub, path, query = answer.sub, answer.path, answer.query
        self.faults.pause(self.faults.settings.latency_ms / 1000)
        principal = self.accounts.authenticate(answer.username, password)
        if method != "GET" and not (self.allow_writes and method in WRITE_METHODS):
            raise TwilioError(405, f"Method {method} not allowed: the emulator serves a read-only auditor")
        found = routes.match(method, sub, path)
        if found is None:
            if routes.methods_for(sub, path):
                raise TwilioError(405, f"Method {method} not allowed on {path}")
            raise not_found(path)
        route, params = found
        account = self.accounts.target(principal, params.get("account"), path)
        answer.account = account.account_sid
        settings = self._settings_for(account)
        # A subaccount's own latency_ms: the emulator-wide one was already waited above.
        self.faults.pause((settings.latency_ms - self.faults.settings.latency_ms) / 1000)
        family = route.family
        message = self.faults.error_message(family, settings)
        denied = self.faults.denied_status(family, settings)
        if denied:
            raise TwilioError(denied, message)
        if self.faults.hangs(family, settings):
            self.faults.pause(settings.hang_seconds)
        request_key = f"{method} /{sub}{path}?{query}"
        retry_after = self.faults.retry_after(family, request_key, settings)
        if retry_after is not None:
            answer.headers["Retry-After"] = retry_after
            raise TwilioError(429, message)
        if route.kind == "fetch" and family in settings.redirect:
            answer.status, answer.body = 307, None
            answer.headers["Location"] = settings.redirect[family]
            return
        injected = self.faults.injected_status(request_key, settings)
        if injected:
            raise TwilioError(injected, message)
        call = routes.Call(sub, path, parse_qsl(query, keep_blank_values=True), params,
                           form=parse_qsl(form.decode("utf-8", "replace"), keep_blank_values=True),
                           listed=tuple(self.accounts.listed(principal)))
        result = route.handler(account, call)
        if isinstance(result, routes.Reply):
            answer.status, answer.body = result.status, result.body
        else:
            answer.body = result
        if route.kind == "list" and pagefaults.applies(settings, family):
            answer.body = pagefaults.rewrite(answer.body, settings, family)
        answer.trickle_bps = settings.trickle_bps.get(family)
        answer.inflate_to = settings.gzip_inflate.get(family)


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

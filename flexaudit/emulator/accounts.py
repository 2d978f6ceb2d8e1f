"""Which account a request is answered from: credentials, subaccounts, and 2010 paths.

As on Twilio (https://www.twilio.com/docs/iam/api/subaccounts#authentication,
and error 20003's listed causes):
- Basic auth names an account: its SID with its auth token, or one of its API
  keys with the key's secret. A suspended or closed account's credentials are
  refused (401, error 20003).
- v1/v2 paths carry no account: they are answered from the account the
  credentials belong to.
- 2010 paths carry one. The credentials' own account is served; a parent's
  auth token may also read its subaccounts' 2010 resources; anything else the
  emulator knows of (the parent seen from a subaccount, a sibling, a
  subaccount read with the parent's API key) is 401 error 20003; an account
  the emulator does not know is 404 error 20404, as before.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flexaudit.emulator.errors import TwilioError, not_found
from flexaudit.emulator.scenario import Scenario


@dataclass(frozen=True)
class Principal:
    """Who the credentials authenticate: an account, by its token or by one of its API keys."""

    account: Scenario
    username: str
    by_api_key: bool


class Accounts:
    def __init__(self, root: Scenario):
        self.root = root
        self._by_sid = {account.account_sid: account for account in root.accounts()}
        self._keys = {key: (account, secret) for account in root.accounts()
                      for key, secret in account.api_keys.items()}

    def authenticate(self, username: str | None, password: str | None) -> Principal:
        if username is None or password is None:
            raise TwilioError(401)
        account = self._by_sid.get(username)
        if account is not None:
            expected, by_key = account.auth_token, False
        elif username in self._keys:
            account, expected = self._keys[username]
            by_key = True
        else:
            raise TwilioError(401)
        if not hmac.compare_digest(password.encode(), expected.encode()):
            raise TwilioError(401)
        if account.status != "active":
            raise TwilioError(401)  # Twilio: "Account is suspended or closed"
        return Principal(account, username, by_key)

    def target(self, principal: Principal, account_sid: str | None, path: str) -> Scenario:
        """The account whose resources answer a request naming account_sid (None: no account in the path)."""
        own = principal.account
        if account_sid is None or account_sid == own.account_sid:
            return own
        found = self._by_sid.get(account_sid)
        if found is None:
            raise not_found(path)
        if found.parent is own and not principal.by_api_key and found.status == "active":
            return found
        raise TwilioError(401)

    def listed(self, principal: Principal) -> list[Scenario]:
        """What GET /2010-04-01/Accounts.json lists: a parent and its subaccounts, or the account alone."""
        return principal.account.accounts()

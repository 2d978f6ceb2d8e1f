"""The accounts a credential owns, for a fleet scan: `GET /2010-04-01/Accounts.json` (facts §11.4).

With a parent's credentials the listing holds the parent and each of its
subaccounts, with its status and its `auth_token`: the only credential that
reads a subaccount's v1 APIs (flex-api, studio, proxy, chat, conversations…),
which authenticate as the subaccount itself. The token is kept in memory, on
the ListedAccount, for that subaccount's own requests, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twilio.rest import Client

from flexaudit.api.paging import list_records
from flexaudit.scan.records import string
from flexaudit.settings import ACCOUNT_SID_RE

PAGE_SIZE = 1000  # the Accounts list's maximum


@dataclass(frozen=True)
class ListedAccount:
    sid: str  # as listed: check `well_formed` before it names a directory or a request path
    friendly_name: str | None
    status: str | None  # active | suspended | closed; anything else is not scanned
    auth_token: str | None = field(default=None, repr=False)  # never shown, never written

    @property
    def well_formed(self) -> bool:
        return bool(ACCOUNT_SID_RE.match(self.sid))

    @property
    def active(self) -> bool:
        return self.status == "active"


def list_accounts(client: Client) -> list[ListedAccount]:
    """Every account listed, in the listing's order, each once (a repeated SID keeps its first entry).

    Raises what the transport and the SDK raise for a failed page (TwilioRestException,
    ApiUnreachable).
    """
    seen: dict[str, ListedAccount] = {}
    for record in list_records(client.api.v2010, "/Accounts.json", {"PageSize": PAGE_SIZE}):
        sid = string(record.get("sid"))
        if sid is None or sid in seen:
            continue
        seen[sid] = ListedAccount(sid, string(record.get("friendly_name")), string(record.get("status")),
                                  string(record.get("auth_token")))
    return list(seen.values())

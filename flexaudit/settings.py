"""Credentials and target, from flags or the environment, validated before any request.

Error messages here never repeat a value the user typed: a mistyped secret
must not end up in a terminal log or a ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ACCOUNT_SID_RE = re.compile(r"^AC[0-9a-fA-F]{32}$")
API_KEY_RE = re.compile(r"^SK[0-9a-fA-F]{32}$")
AUTH_TOKEN_RE = re.compile(r"^[0-9a-fA-F]{32}$")
# API key secrets are 32 alphanumerics; accept a little more, never whitespace.
API_SECRET_RE = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")


class SettingsError(Exception):
    """Bad or missing input, detected before anything is sent (exit 2)."""


@dataclass(frozen=True)
class Credentials:
    account_sid: str
    username: str  # the account SID (auth token) or the SK… key SID
    password: str = field(repr=False)  # never shown, not even in a repr in a traceback
    kind: str = "auth_token"  # or "api_key"

    def __str__(self) -> str:
        return f"{self.kind} credentials for {self.account_sid}"


@dataclass(frozen=True)
class Target:
    region: str | None = None
    edge: str | None = None
    api_base_url: str | None = None


def resolve_credentials(
    account_sid: str | None,
    auth_token: str | None,
    api_key: str | None,
    api_secret: str | None,
) -> Credentials:
    account_sid = (account_sid or "").strip()
    auth_token = (auth_token or "").strip()
    api_key = (api_key or "").strip()
    api_secret = (api_secret or "").strip()

    if not account_sid:
        raise SettingsError("missing account SID: pass --account-sid or set TWILIO_ACCOUNT_SID (or use --demo)")
    if not ACCOUNT_SID_RE.match(account_sid):
        raise SettingsError("malformed account SID: expected AC followed by 32 hexadecimal characters")

    if api_key or api_secret:
        if not (api_key and api_secret):
            missing = "--api-secret / TWILIO_API_SECRET" if api_key else "--api-key / TWILIO_API_KEY"
            raise SettingsError(f"an API key needs both its SID and its secret: missing {missing}")
        if not API_KEY_RE.match(api_key):
            raise SettingsError("malformed API key: expected SK followed by 32 hexadecimal characters")
        if not API_SECRET_RE.match(api_secret):
            raise SettingsError("malformed API secret: expected the key's secret of 32 letters and digits")
        return Credentials(account_sid, api_key, api_secret, "api_key")

    if not auth_token:
        raise SettingsError(
            "missing credentials: pass --auth-token (TWILIO_AUTH_TOKEN) or --api-key and --api-secret "
            "(TWILIO_API_KEY, TWILIO_API_SECRET)"
        )
    if not AUTH_TOKEN_RE.match(auth_token):
        raise SettingsError("malformed auth token: expected 32 hexadecimal characters")
    return Credentials(account_sid, account_sid, auth_token, "auth_token")


def resolve_target(region: str | None, edge: str | None, api_base_url: str | None) -> Target:
    region = (region or "").strip() or None
    edge = (edge or "").strip() or None
    base = (api_base_url or "").strip() or None
    if base is not None:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError("--api-base-url must be an absolute http:// or https:// URL")
        if parts.query or parts.fragment:
            raise SettingsError("--api-base-url must not carry a query or fragment")
        if parts.username or parts.password:
            raise SettingsError("--api-base-url must not embed credentials; use the credential options")
        base = base.rstrip("/")
    for name, value in (("region", region), ("edge", edge)):
        if value is not None and not re.match(r"^[a-z0-9-]{2,32}$", value):
            raise SettingsError(f"malformed {name}: expected a Twilio {name} name such as "
                                f"{'ie1' if name == 'region' else 'dublin'}")
    return Target(region, edge, base)

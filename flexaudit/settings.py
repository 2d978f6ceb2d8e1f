"""Credentials and target, from flags, a twilio-cli profile or the environment, validated before any request.

Where each value comes from (contract, `--profile`): a flag given on the
command line wins; then, when a twilio-cli profile is named, the profile, and
the `TWILIO_*` variables are not read at all (as in twilio-cli); else the
`TWILIO_*` variables. Everything here is a pure function of the flags, the
environment and the text of twilio-cli's config file, except the one function
that reads that file.

Error messages here never repeat a value the user typed or a secret of the
config file: a mistyped secret must not end up in a terminal log or a ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from flexaudit.bounds import InputFileError, parse_json, read_text
from flexaudit.safe_text import one_line

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


# --- where the values come from: flags, a twilio-cli profile, the environment ---------------------

ENV_NAMES = {"account_sid": "TWILIO_ACCOUNT_SID", "auth_token": "TWILIO_AUTH_TOKEN", "api_key": "TWILIO_API_KEY",
             "api_secret": "TWILIO_API_SECRET", "region": "TWILIO_REGION", "edge": "TWILIO_EDGE"}
CONFIG_DIR_ENV = "TWILIO_CONFIG_DIR"
CONFIG_FILE = "config.json"
# twilio-cli's config.json holds a few profiles; anything this large is not one.
MAX_CONFIG_BYTES = 1 << 20
MAX_CONFIG_DEPTH = 16  # twilio-cli's file nests three levels: profiles.<name>.<key>


@dataclass(frozen=True)
class CredentialFlags:
    """The credential and target values given on the command line (None: not given)."""

    account_sid: str | None = None
    auth_token: str | None = field(default=None, repr=False)
    api_key: str | None = None
    api_secret: str | None = field(default=None, repr=False)
    region: str | None = None
    edge: str | None = None


@dataclass(frozen=True)
class Profile:
    """A twilio-cli profile: `profiles.<name>` of config.json (the current format)."""

    name: str
    account_sid: str | None
    api_key: str | None
    api_secret: str | None = field(repr=False)
    region: str | None
    edge: str | None


def twilio_cli_config_path(env: Mapping[str, str], home: Path) -> Path:
    """`$TWILIO_CONFIG_DIR/config.json`, default `~/.twilio-cli/config.json`, as twilio-cli reads it."""
    directory = (env.get(CONFIG_DIR_ENV) or "").strip()
    return (Path(directory) if directory else home / ".twilio-cli") / CONFIG_FILE


def read_twilio_cli_config(path: Path) -> str:
    """The config file's text; an unreadable file is one line naming it (exit 2)."""
    try:
        return read_text(path, MAX_CONFIG_BYTES)
    except InputFileError as exc:
        if str(exc) == "no such file":
            raise SettingsError(f"--profile: no twilio-cli config file at {path} "
                                f"(set {CONFIG_DIR_ENV} to the directory that holds config.json)") from None
        raise SettingsError(f"--profile: {path} {exc if str(exc).startswith(('is ', 'cannot')) else f'is {exc}'}: "
                            "not a twilio-cli config file") from None


def load_profile(name: str, env: Mapping[str, str]) -> Profile:
    """Profile `name` from twilio-cli's config file (the one function here that reads a file)."""
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no password entry: only $TWILIO_CONFIG_DIR can say where
        home = Path("~")
    path = twilio_cli_config_path(env, home)
    return parse_profile(name, read_twilio_cli_config(path), str(path))


def parse_profile(name: str, config_text: str, where: str = CONFIG_FILE) -> Profile:
    """Profile `name` of twilio-cli's config.json (`where` names the file in errors).

    The current format keeps `profiles.<name>` with the API key and secret in
    the file. The old format's `projects` entries kept their secret in the OS
    keychain, which flexaudit does not read: that, an unknown name and a file
    that is not twilio-cli's config are each one line (exit 2).
    """
    wanted = name.strip()  # twilio-cli trims profile ids the same way
    if not wanted:
        raise SettingsError("--profile needs the name of a twilio-cli profile")
    shown = _shown_name(wanted)
    try:
        config = parse_json(config_text, MAX_CONFIG_DEPTH)
    except InputFileError as exc:
        raise SettingsError(f"--profile: {where} is {exc}") from None
    if not isinstance(config, dict):
        raise SettingsError(f"--profile: {where} is not a JSON object: not a twilio-cli config file")
    profiles = config.get("profiles")
    profiles = {} if profiles is None else profiles
    projects = config.get("projects")
    projects = [] if projects is None else projects
    if not isinstance(profiles, dict) or not isinstance(projects, list):
        raise SettingsError(f"--profile: {where} has 'profiles' or 'projects' of the wrong type: "
                            "not a twilio-cli config file")
    entry = profiles.get(wanted)
    if entry is None:
        if any(isinstance(p, dict) and p.get("id") == wanted for p in projects):
            raise SettingsError(
                f"twilio-cli profile {shown} is in the old 'projects' format: its secret is in the OS keychain, "
                "which flexaudit does not read; recreate it with `twilio profiles:create` (which keeps the key "
                "in config.json) or pass --api-key and --api-secret")
        known = sorted(str(k) for k in profiles)
        listed = ", ".join(_shown_name(k) for k in known[:10]) + (", …" if len(known) > 10 else "")
        raise SettingsError(f"no twilio-cli profile named {shown} in {where}"
                            + (f"; its profiles: {listed}" if known else "; it has no profiles"))
    if not isinstance(entry, dict):
        raise SettingsError(f"twilio-cli profile {shown} in {where} is not a JSON object")

    def text(key: str, fallback: object = None) -> str | None:
        value = entry.get(key, fallback)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise SettingsError(f"twilio-cli profile {shown}: {key} must be a string")
        return value.strip() or None

    # A profile's edge, else the file's own `edge` (twilio-cli's `config:set --edge`).
    return Profile(wanted, text("accountSid"), text("apiKey"), text("apiSecret"), text("region"),
                   text("edge", config.get("edge") if isinstance(config.get("edge"), str) else None))


def resolve_settings(flags: CredentialFlags, env: Mapping[str, str], profile: Profile | None,
                     api_base_url: str | None) -> tuple[Credentials, Target]:
    """Credentials and target from the flags, then the profile if one is named, else the environment."""
    def given(value: str | None) -> str | None:
        return value if value and value.strip() else None

    if profile is None:
        value = {name: given(getattr(flags, name)) or given(env.get(variable))
                 for name, variable in ENV_NAMES.items()}
        credentials = resolve_credentials(value["account_sid"], value["auth_token"], value["api_key"],
                                          value["api_secret"])
        return credentials, resolve_target(value["region"], value["edge"], api_base_url)

    # A secret given as a flag replaces the profile's whole key and secret: a flag's
    # token next to the profile's API key would otherwise lose to the key.
    secret_flags = (given(flags.auth_token), given(flags.api_key), given(flags.api_secret))
    token, key, secret = secret_flags if any(secret_flags) else (None, profile.api_key, profile.api_secret)
    account_sid = given(flags.account_sid) or profile.account_sid
    try:
        if token is None and key is not None and key == account_sid:
            # twilio-cli's own shape for an auth token: apiKey is the account SID, apiSecret the token
            token, key, secret = secret, None, None
        if not (token or key or secret):
            raise SettingsError("it holds no API key and secret")
        credentials = resolve_credentials(account_sid, token, key, secret)
    except SettingsError as exc:
        raise SettingsError(f"twilio-cli profile {_shown_name(profile.name)}: {exc}") from None
    target = resolve_target(given(flags.region) or profile.region, given(flags.edge) or profile.edge, api_base_url)
    return credentials, target


def _shown_name(name: object) -> str:
    """A profile name as errors quote it: one line, bounded (it is the user's own text, not a secret)."""
    text = one_line(name)
    return repr(text if len(text) <= 64 else text[:63] + "…")

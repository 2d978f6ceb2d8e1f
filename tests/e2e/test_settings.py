"""Credentials and target are validated before any request, and errors never echo a secret."""

import pytest

from flexaudit.settings import SettingsError, resolve_credentials, resolve_target

AC = "AC" + "a" * 32
TOKEN = "f" * 32
SK = "SK" + "b" * 32
SECRET = "S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tXY"


def test_auth_token_credentials():
    creds = resolve_credentials(AC, TOKEN, None, None)
    assert (creds.username, creds.password, creds.kind) == (AC, TOKEN, "auth_token")
    assert TOKEN not in repr(creds) and TOKEN not in str(creds)


def test_api_key_wins_over_token_when_both_given():
    creds = resolve_credentials(AC, TOKEN, SK, SECRET)
    assert (creds.username, creds.password, creds.kind) == (SK, SECRET, "api_key")
    assert SECRET not in repr(creds)


@pytest.mark.parametrize("args, fragment", [
    ((None, TOKEN, None, None), "missing account SID"),
    (("AC123", TOKEN, None, None), "malformed account SID"),
    ((AC, None, None, None), "missing credentials"),
    ((AC, "not-a-token-" + "x" * 20, None, None), "malformed auth token"),
    ((AC, None, SK, None), "missing --api-secret"),
    ((AC, None, None, SECRET), "missing --api-key"),
    ((AC, None, "SKnope", SECRET), "malformed API key"),
    ((AC, None, SK, "has spaces in it but is long enough"), "malformed API secret"),
])
def test_bad_credentials_are_one_line_and_never_echo_the_value(args, fragment):
    with pytest.raises(SettingsError) as err:
        resolve_credentials(*args)
    message = str(err.value)
    assert fragment in message
    assert "\n" not in message
    for value in args:
        if value and len(value) > 8:
            assert value not in message


def test_target_validation():
    assert resolve_target(None, None, "http://127.0.0.1:8080/").api_base_url == "http://127.0.0.1:8080"
    assert resolve_target("ie1", "dublin", None).region == "ie1"
    for bad in ("ftp://x", "localhost:8080", "http://user:pw@host", "http://h/?q=1"):
        with pytest.raises(SettingsError):
            resolve_target(None, None, bad)
    with pytest.raises(SettingsError):
        resolve_target("IE 1", None, None)

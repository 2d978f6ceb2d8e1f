"""The whole CLI, as users run it: nothing of the developer's own Twilio setup may leak in."""

import pytest

CREDENTIAL_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
                        "TWILIO_REGION", "TWILIO_EDGE", "FLEXAUDIT_API_BASE_URL", "TWILIO_CONFIG_DIR")


@pytest.fixture(autouse=True)
def no_credentials_from_the_environment(monkeypatch):
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)

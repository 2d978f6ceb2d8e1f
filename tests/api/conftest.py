"""The transport reads proxies and CA bundles from the environment: each test starts without any."""

import pytest

from tests.support.process import PROXY_AND_CA_VARIABLES


@pytest.fixture(autouse=True)
def no_proxy_or_ca_from_the_environment(monkeypatch):
    for name in PROXY_AND_CA_VARIABLES:
        monkeypatch.delenv(name, raising=False)

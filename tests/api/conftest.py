"""The transport reads proxies and CA bundles from the environment: each test starts without any."""

import pytest

PROXY_AND_CA_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                          "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture(autouse=True)
def no_proxy_or_ca_from_the_environment(monkeypatch):
    for name in PROXY_AND_CA_VARIABLES:
        monkeypatch.delenv(name, raising=False)

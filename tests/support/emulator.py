"""Shared pieces for the emulator tests: a small scenario and the real Twilio SDK pointed at it."""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from tests.support.sids import ACCOUNT, sid

_TWILIO_HOST = re.compile(r"^(?P<sub>[a-z0-9-]+)(\.[a-z0-9-]+)*\.twilio\.com$")


class EmulatorHttpClient(TwilioHttpClient):
    """The SDK's own requests-based client, with https://<sub>.twilio.com/... sent to the emulator.

    Deliberately tiny and independent of flexaudit/client.py: these tests check
    the emulator, not the product's client.
    """

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.sent: list[str] = []

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        found = _TWILIO_HOST.match(parts.hostname or "")
        if found is None:
            raise AssertionError(f"request outside *.twilio.com: {url}")
        base = urlsplit(self.base_url)
        url = urlunsplit((base.scheme, base.netloc, f"/{found['sub']}{parts.path}", parts.query, ""))
        self.sent.append(url)
        return super().request(method, url, *args, **kwargs)


def sdk_client(emu, username: str | None = None, password: str | None = None, **http_kwargs) -> Client:
    """twilio.rest.Client on the emulator, with the account's token unless told otherwise."""
    http = EmulatorHttpClient(emu.base_url, **http_kwargs)
    return Client(username or emu.account_sid, password or emu.auth_token,
                  account_sid=emu.account_sid, http_client=http)


TOKEN = "0123456789abcdef0123456789abcdef"
KEY = sid("SK", 1)
SECRET = "api-key-secret"
IS_FLEX = sid("IS", 1)
IS_OTHER = sid("IS", 2)
KS = sid("KS", 1)
MG = sid("MG", 1)
WS = sid("WS", 1)
FW = sid("FW", 1)
FO = sid("FO", 1)

_SMALL = {
    "name": "emulator tests",
    "account": {"sid": ACCOUNT, "friendly_name": "Acme Support"},
    "auth": {"auth_token": TOKEN, "api_keys": [{"sid": KEY, "secret": SECRET}]},
    "incoming_phone_numbers": [
        {"sid": sid("PN", i), "phone_number": f"+1555010000{i}",
         "sms_url": f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Proxy/{KS}/Webhooks/Message"}
        for i in range(1, 6)
    ],
    "flex_configuration": {"chat_service_instance_sid": IS_FLEX, "taskrouter_workspace_sid": WS,
                           "ui_version": "1.34.6"},
    "flex_flows": [
        {"sid": FO, "friendly_name": "SMS Flow", "chat_service_sid": IS_FLEX, "channel_type": "sms",
         "contact_identity": "+15550100001", "integration_type": "studio",
         "integration": {"flow_sid": FW, "retry_count": 3}, "janitor_enabled": True},
        {"sid": sid("FO", 2), "friendly_name": "Web Flow", "chat_service_sid": IS_FLEX,
         "channel_type": "web", "contact_identity": "web", "integration_type": "task",
         "integration": {"workspace_sid": WS, "workflow_sid": sid("WW", 1), "channel": "chat"}},
        {"sid": sid("FO", 3), "friendly_name": "WhatsApp Flow", "chat_service_sid": IS_FLEX,
         "channel_type": "whatsapp", "contact_identity": "whatsapp:+15550100002", "enabled": False},
    ],
    "studio_flows": [
        {"sid": FW, "friendly_name": "Messaging Flow", "revision": 7,
         "definition": {"states": [{"name": "Trigger", "type": "trigger", "transitions": []}]}},
        {"sid": sid("FW", 2), "friendly_name": "Broken", "status": "draft", "valid": False,
         "definition": "{not json"},
    ],
    "proxy_services": [
        {"sid": KS, "unique_name": "Flex Proxy Service", "chat_instance_sid": IS_FLEX,
         "phone_numbers": [{"sid": sid("PN", 1), "phone_number": "+15550100001"}],
         "sessions": [
             {"sid": sid("KC", 1), "unique_name": sid("CH", 1), "status": "open"},
             {"repeat": 7, "template": {"status": "closed", "date_started": "2026-03-01T00:00:00Z"}},
             {"sid": sid("KC", 2), "unique_name": sid("CH", 2), "status": "in-progress"},
         ]},
    ],
    "messaging_services": [
        {"sid": MG, "friendly_name": "Flex Messaging", "inbound_request_url": "https://example.com/in",
         "phone_numbers": [{"sid": sid("PN", 3), "phone_number": "+15550100003"}]},
    ],
    "chat_services": [
        {"sid": IS_FLEX, "friendly_name": "Flex Chat Service",
         "channels": [
             {"sid": sid("CH", 1), "type": "private",
              "attributes": {"status": "ACTIVE", "channel_type": "sms", "proxySession": sid("KC", 1)}},
             {"sid": sid("CH", 2), "type": "public", "attributes": "{broken"},
             {"repeat": 12, "template": {"type": "private",
                                         "attributes": {"status": "INACTIVE", "channel_type": "web"}}},
             {"sid": sid("CH", 3), "type": "public"},
         ]},
        {"sid": IS_OTHER, "friendly_name": "Other"},
    ],
    "conversations_configuration": {"default_chat_service_sid": sid("IS", 9),
                                    "default_messaging_service_sid": MG},
    "address_configurations": [
        {"sid": sid("IG", 1), "type": "sms", "address": "+15550100009",
         "auto_creation": {"enabled": True, "type": "studio", "conversation_service_sid": sid("IS", 9),
                           "studio_flow_sid": FW, "studio_retry_count": 3}},
        {"sid": sid("IG", 2), "type": "whatsapp", "address": "whatsapp:+15550100008"},
    ],
    "taskrouter_workspaces": [
        {"sid": WS, "friendly_name": "Flex Task Assignment",
         "workflows": [{"sid": sid("WW", 1), "friendly_name": "Assign to Anyone"}],
         "task_channels": [{"sid": sid("TC", i), "unique_name": name}
                           for i, name in enumerate(["default", "voice", "chat", "sms", "email"], 1)]},
    ],
}


def small_scenario() -> dict:
    """A fresh copy each time, so a test may change it."""
    return copy.deepcopy(_SMALL)

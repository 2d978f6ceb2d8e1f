"""The naive scan flexaudit is measured against: what a user's own script would do.

The official Twilio SDK, strictly sequential, default page sizes, `list()`
everything into memory, fetch every Studio flow one after another. The only
concession to the benchmark is an HttpClient that rewrites
https://<sub>.twilio.com/<path> to <api-base-url>/<sub>/<path> (the SDK's own
requests-based client otherwise: no retries, no concurrency).

It reads the same data as `flexaudit scan` and evaluates no rule.

    python bench/naive_baseline.py --api-base-url http://127.0.0.1:PORT \\
        --account-sid AC... --auth-token ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

_TWILIO_HOST = re.compile(r"^(?P<sub>[a-z0-9-]+)(\.[a-z0-9-]+)*\.twilio\.com$")
# rules.md "Legacy API use", as a user would paste it into a script
LEGACY_PATTERNS = (".chat.v1", ".chat.v2", ".chat.services(", ".ipMessaging", "chat.twilio.com", "'twilio-chat'",
                   '"twilio-chat"', ".proxy.v1", ".proxy.services(", "proxy.twilio.com", ".flexFlow", ".flex_flow",
                   "/FlexFlows")


class RewritingHttpClient(TwilioHttpClient):
    """The SDK's default client; only the host changes."""

    def __init__(self, api_base_url: str | None, **kwargs):
        super().__init__(**kwargs)
        self.api_base_url = api_base_url.rstrip("/") if api_base_url else None
        self.requests = 0

    def request(self, method, url, *args, **kwargs):
        self.requests += 1
        if self.api_base_url:
            parts = urlsplit(url)
            found = _TWILIO_HOST.match(parts.hostname or "")
            if found is None:
                raise ValueError(f"not a Twilio URL: {url}")
            base = urlsplit(self.api_base_url)
            url = urlunsplit((base.scheme, base.netloc, f"{base.path}/{found['sub']}{parts.path}", parts.query, ""))
        return super().request(method, url, *args, **kwargs)


def naive_scan(client: Client, account_sid: str) -> dict:
    """Everything flexaudit reads, the straightforward way. Returns counts of what it read."""
    counts: dict[str, int] = {}

    account = client.api.v2010.accounts(account_sid).fetch()
    counts["account"] = 1 if account.sid else 0

    numbers = client.api.v2010.accounts(account_sid).incoming_phone_numbers.list()
    counts["incoming_phone_numbers"] = len(numbers)

    config = client.flex_api.v1.configuration().fetch()
    flex_flows = client.flex_api.v1.flex_flow.list()
    counts["flex_flows"] = len(flex_flows)

    flows = client.studio.v2.flows.list()
    counts["studio_flows"] = len(flows)
    definitions = [client.studio.v2.flows(f.sid).fetch() for f in flows]
    counts["studio_definitions"] = sum(1 for d in definitions if d.definition is not None)

    proxy_services = client.proxy.v1.services.list()
    counts["proxy_services"] = len(proxy_services)
    counts["proxy_pool_numbers"] = 0
    counts["proxy_sessions"] = 0
    for service in proxy_services:
        counts["proxy_pool_numbers"] += len(client.proxy.v1.services(service.sid).phone_numbers.list())
        counts["proxy_sessions"] += len(client.proxy.v1.services(service.sid).sessions.list())

    messaging = client.messaging.v1.services.list()
    counts["messaging_services"] = len(messaging)
    counts["messaging_service_numbers"] = sum(
        len(client.messaging.v1.services(s.sid).phone_numbers.list()) for s in messaging)

    chat_sids = [config.chat_service_instance_sid] if config.chat_service_instance_sid else []
    chat_sids += sorted({f.chat_service_sid for f in flex_flows if f.chat_service_sid} - set(chat_sids))
    counts["chat_services"] = 0
    counts["flex_chat_channels"] = 0
    counts["chat_channels"] = 0
    for sid in chat_sids:
        try:
            client.chat.v2.services(sid).fetch()
        except TwilioRestException as exc:
            if exc.status == 404:
                continue
            raise
        channels = client.chat.v2.services(sid).channels.list(type=["public", "private"])
        active = sum(1 for c in channels if '"INACTIVE"' not in (c.attributes or ""))
        counts["chat_services"] += 1
        counts["chat_channels"] += len(channels)
        counts.setdefault("active_chat_channels", 0)
        counts["active_chat_channels"] += active
        if sid == config.chat_service_instance_sid:
            counts["flex_chat_channels"] = len(channels)

    conversation_config = None
    try:
        conversation_config = client.conversations.v1.configuration().fetch()
        counts["conversations_configuration"] = 1
    except TwilioRestException as exc:
        if exc.status != 404:
            raise
        counts["conversations_configuration"] = 0
    counts["address_configurations"] = len(client.conversations.v1.address_configurations.list())

    # The Flex Conversations side: the services, and the Flex one's active conversations by age.
    counts["conversation_services"] = len(client.conversations.v1.services.list())
    flex_conversations = conversation_config.default_chat_service_sid if conversation_config else None
    counts["active_conversations"] = 0
    if flex_conversations:
        active = client.conversations.v1.services(flex_conversations).conversations.list(state="active")
        counts["active_conversations"] = len(active)

    # Twilio Functions: every deployed build's function versions, their source searched for legacy calls.
    counts["serverless_services"] = 0
    counts["serverless_function_versions"] = 0
    counts["serverless_legacy_versions"] = 0
    for service in client.serverless.v1.services.list():
        counts["serverless_services"] += 1
        builds = {e.build_sid for e in client.serverless.v1.services(service.sid).environments.list() if e.build_sid}
        seen = set()
        for build_sid in sorted(builds):
            build = client.serverless.v1.services(service.sid).builds(build_sid).fetch()
            for version in build.function_versions or []:
                if version["sid"] in seen:
                    continue
                seen.add(version["sid"])
                content = (client.serverless.v1.services(service.sid).functions(version["function_sid"])
                           .function_versions(version["sid"]).function_version_content().fetch().content or "")
                counts["serverless_function_versions"] += 1
                counts["serverless_legacy_versions"] += any(p in content for p in LEGACY_PATTERNS)

    # Traffic: the newest message to each enabled sms/whatsapp address, one address after the other.
    counts["message_addresses"] = 0
    counts["message_addresses_with_traffic"] = 0
    for address in sorted({_to(f.channel_type, f.contact_identity) for f in flex_flows if f.enabled} - {None}):
        newest = client.api.v2010.accounts(account_sid).messages.list(to=address, limit=1)
        counts["message_addresses"] += 1
        counts["message_addresses_with_traffic"] += bool(newest)

    counts["taskrouter_workflows"] = 0
    counts["taskrouter_task_channels"] = 0
    if config.taskrouter_workspace_sid:
        workspace = client.taskrouter.v1.workspaces(config.taskrouter_workspace_sid)
        workspace.fetch()
        counts["taskrouter_workflows"] = len(workspace.workflows.list())
        counts["taskrouter_task_channels"] = len(workspace.task_channels.list())
    return counts


def _to(channel_type: str | None, identity: str | None) -> str | None:
    """The `To` of an sms or whatsapp address's messages: +E.164, whatsapp:+E.164."""
    if channel_type not in ("sms", "whatsapp") or not identity:
        return None
    digits = "".join(c for c in identity.removeprefix("whatsapp:") if c.isdigit())
    if not digits:
        return None
    return f"+{digits}" if channel_type == "sms" else f"whatsapp:+{digits}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Naive sequential scan through the Twilio SDK (benchmark baseline).")
    parser.add_argument("--api-base-url", default=os.environ.get("FLEXAUDIT_API_BASE_URL"))
    parser.add_argument("--account-sid", default=os.environ.get("TWILIO_ACCOUNT_SID"), required=False)
    parser.add_argument("--auth-token", default=os.environ.get("TWILIO_AUTH_TOKEN"), required=False)
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    args = parser.parse_args(argv)
    if not args.account_sid or not args.auth_token:
        parser.error("--account-sid and --auth-token (or TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN) are required")

    http = RewritingHttpClient(args.api_base_url)
    client = Client(args.account_sid, args.auth_token, account_sid=args.account_sid, http_client=http)
    started = time.monotonic()
    counts = naive_scan(client, args.account_sid)
    elapsed = time.monotonic() - started
    if args.json:
        print(json.dumps({"counts": counts, "requests": http.requests, "seconds": round(elapsed, 3)}))
    else:
        for key, value in counts.items():
            print(f"{key:28} {value}")
        print(f"{'requests':28} {http.requests}")
        print(f"{'seconds':28} {elapsed:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

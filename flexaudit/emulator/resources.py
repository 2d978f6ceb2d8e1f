"""The full Twilio response shape of each resource, from what a scenario states.

A scenario only states what matters; everything else gets the value a fresh
Twilio resource would have, so the SDK and Twilio's OpenAPI schemas see every
field they expect. Field lists follow ../shared/twilio-oai (see
tests/data/twilio-oai/, checked by tests/test_emulator_openapi.py).
"""

from __future__ import annotations

import json

# v1/v2 APIs use ISO 8601; the 2010 API uses RFC 2822.
DEFAULT_DATE = "2024-01-15T10:00:00Z"
DEFAULT_DATE_2010 = "Mon, 15 Jan 2024 10:00:00 +0000"


def host(sub: str) -> str:
    return f"https://{sub}.twilio.com"


def _merge(defaults: dict, stated: dict, drop: tuple[str, ...] = ()) -> dict:
    """Defaults overridden by what the scenario states, minus child collections."""
    out = dict(defaults)
    for key, value in stated.items():
        if key not in drop:
            out[key] = value
    return out


def _owned(sid: str, account_sid: str) -> dict:
    """The fields every resource of an account carries."""
    return {"sid": sid, "account_sid": account_sid, "date_created": DEFAULT_DATE, "date_updated": DEFAULT_DATE}


def _links(base: str, **names: str) -> dict:
    return {key: f"{base}/{path}" for key, path in names.items()}


def as_json_text(value) -> str:
    """Twilio serves some JSON documents as strings; a string is served as it is."""
    return value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))


# --- api (2010) -------------------------------------------------------------

def account(stated: dict, auth_token: str, owner_sid: str | None = None) -> dict:
    """owner_sid: the parent's SID for a subaccount; an account owns itself otherwise."""
    sid = stated["sid"]
    base = f"/2010-04-01/Accounts/{sid}"
    return _merge({
        "auth_token": auth_token,
        "date_created": DEFAULT_DATE_2010,
        "date_updated": DEFAULT_DATE_2010,
        "friendly_name": "My first Twilio account" if owner_sid is None else "Subaccount",
        "owner_account_sid": owner_sid or sid,
        "sid": sid,
        "status": "active",
        "subresource_uris": {
            name: f"{base}/{path}.json" for name, path in (
                ("addresses", "Addresses"), ("applications", "Applications"),
                ("available_phone_numbers", "AvailablePhoneNumbers"), ("calls", "Calls"),
                ("incoming_phone_numbers", "IncomingPhoneNumbers"), ("keys", "Keys"),
                ("messages", "Messages"), ("queues", "Queues"), ("recordings", "Recordings"),
                ("usage", "Usage"),
            )
        },
        "type": "Full",
        "uri": f"{base}.json",
    }, stated)


def _friendly_phone(number: str) -> str:
    # Twilio's default friendly name for a North American number.
    digits = number[2:] if number.startswith("+1") else ""
    if len(digits) == 10 and digits.isdigit():
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return number


def incoming_phone_number(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    number = stated.get("phone_number", "+15550100000")
    return _merge({
        "account_sid": account_sid,
        "address_sid": None,
        "address_requirements": "none",
        "api_version": "2010-04-01",
        "beta": False,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": DEFAULT_DATE_2010,
        "date_updated": DEFAULT_DATE_2010,
        "friendly_name": _friendly_phone(number),
        "identity_sid": None,
        "phone_number": number,
        "origin": "twilio",
        "sid": sid,
        "sms_application_sid": None,
        "sms_fallback_method": "POST",
        "sms_fallback_url": "",
        "sms_method": "POST",
        "sms_url": "",
        "status_callback": "",
        "status_callback_method": "POST",
        "trunk_sid": None,
        "uri": f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{sid}.json",
        "voice_receive_mode": "voice",
        "voice_application_sid": None,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST",
        "voice_fallback_url": None,
        "voice_method": "POST",
        "voice_url": None,
        "emergency_status": "Inactive",
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "bundle_sid": None,
        "status": "in-use",
        "type": "local",
    }, stated)


# Served messages carry fake customer data that must never leave a client's
# response handler: both markers are easy to search for in anything written.
CUSTOMER_BODY = "CUSTOMER-BODY"
CUSTOMER_FROM_PREFIX = "+1999"  # N9X area codes are reserved: no real number starts so


def customer_number(index: int) -> str:
    return f"{CUSTOMER_FROM_PREFIX}{index % 10_000_000:07d}"


def message(stated: dict, account_sid: str) -> dict:
    """An inbound message; `date_sent` is already RFC 2822 (messages.py converts)."""
    sid = stated["sid"]
    sent = stated.get("date_sent", DEFAULT_DATE_2010)
    base = f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}"
    return _merge({
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": f"{CUSTOMER_BODY} hello, is anyone there?",
        "date_created": sent,
        "date_sent": sent,
        "date_updated": sent,
        "direction": "inbound",
        "error_code": None,
        "error_message": None,
        "from": customer_number(0),
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "received",
        "subresource_uris": {"media": f"{base}/Media.json", "feedback": f"{base}/Feedback.json"},
        "to": "+15550100000",
        "uri": f"{base}.json",
    }, stated)


# --- flex-api ---------------------------------------------------------------

_FLEX_CONFIGURATION_NULLS = (
    "attributes", "taskrouter_target_workflow_sid", "taskrouter_target_taskqueue_sid",
    "taskrouter_taskqueues", "taskrouter_skills", "taskrouter_worker_channels",
    "taskrouter_worker_attributes", "taskrouter_offline_activity_sid",
    "messaging_service_instance_sid", "chat_service_instance_sid", "flex_service_instance_sid",
    "flex_instance_sid", "ui_attributes", "ui_dependencies", "call_recording_webhook_url",
    "crm_type", "crm_callback_url", "crm_fallback_url", "crm_attributes", "public_attributes",
    "plugin_service_attributes", "integrations", "outbound_call_flows", "serverless_service_sids",
    "queue_stats_configuration", "notifications", "markdown", "flex_insights_hr",
    "channel_configs", "debugger_integration", "flex_ui_status_report", "agent_conv_end_methods",
    "citrix_voice_vdi", "offline_config",
)


def flex_configuration(stated: dict, account_sid: str) -> dict:
    defaults = {name: None for name in _FLEX_CONFIGURATION_NULLS}
    defaults.update({
        "account_sid": account_sid,
        "date_created": DEFAULT_DATE,
        "date_updated": DEFAULT_DATE,
        "status": "ok",
        "taskrouter_workspace_sid": None,
        "runtime_domain": "flex-runtime-0000-dev.twil.io",
        "ui_language": "en",
        "ui_version": "1.34.6",
        "service_version": "1.0",
        "call_recording_enabled": False,
        "crm_enabled": False,
        "plugin_service_enabled": True,
        "flex_insights_drilldown": False,
        "flex_url": "https://flex.twilio.com/agent-desktop",
        "url": f"{host('flex-api')}/v1/Configuration",
    })
    return _merge(defaults, stated)


def flex_flow(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    return _merge({
        **_owned(sid, account_sid),
        "friendly_name": "Flex Messaging Channel Flow",
        "chat_service_sid": None,
        "channel_type": "sms",
        "contact_identity": None,
        "enabled": True,
        "integration_type": "studio",
        "integration": None,
        "long_lived": False,
        "janitor_enabled": False,
        "url": f"{host('flex-api')}/v1/FlexFlows/{sid}",
    }, stated)


# --- studio -----------------------------------------------------------------

DEFAULT_FLOW_DEFINITION = {
    "description": "A New Flow",
    "states": [{"name": "Trigger", "type": "trigger", "transitions": [], "properties": {"offset": {"x": 0, "y": 0}}}],
    "initial_state": "Trigger",
    "flags": {"allow_concurrent_calls": True},
}


def studio_flow(stated: dict, account_sid: str) -> dict:
    """The fetch shape; see studio_flow_listed for the list shape."""
    sid = stated["sid"]
    url = f"{host('studio')}/v2/Flows/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "author_sid": None,
        "friendly_name": "Flow",
        "definition": DEFAULT_FLOW_DEFINITION,
        "status": "published",
        "revision": 1,
        "commit_message": None,
        "valid": True,
        "errors": [],
        "warnings": [],
        "webhook_url": f"https://webhooks.twilio.com/v1/Accounts/{account_sid}/Flows/{sid}",
        "url": url,
        "links": _links(url, test_users="TestUsers", revisions="Revisions", executions="Executions"),
    }, stated)


def studio_flow_listed(fetched: dict) -> dict:
    # Real Twilio leaves the heavy fields out of list pages.
    return {**fetched, "definition": None, "valid": None, "errors": None, "warnings": None}


# --- proxy ------------------------------------------------------------------

def proxy_service(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('proxy')}/v1/Services/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "unique_name": "Proxy Service",
        "chat_instance_sid": None,
        "callback_url": None,
        "default_ttl": 0,
        "number_selection_behavior": "prefer-sticky",
        "geo_match_level": "country",
        "intercept_callback_url": None,
        "out_of_session_callback_url": None,
        "url": url,
        "links": _links(url, sessions="Sessions", phone_numbers="PhoneNumbers", short_codes="ShortCodes"),
    }, stated, drop=("phone_numbers", "sessions"))


def proxy_phone_number(stated: dict, account_sid: str, service_sid: str) -> dict:
    sid = stated["sid"]
    number = stated.get("phone_number", "+15550100000")
    return _merge({
        **_owned(sid, account_sid),
        "service_sid": service_sid,
        "phone_number": number,
        "friendly_name": _friendly_phone(number),
        "iso_country": "US",
        "capabilities": {"fax_inbound": None, "fax_outbound": None, "mms_inbound": True,
                         "mms_outbound": True, "restriction_fax_domestic": None,
                         "restriction_mms_domestic": None, "restriction_sms_domestic": None,
                         "restriction_voice_domestic": None, "sip_trunking": True,
                         "sms_domestic": None, "sms_inbound": True, "sms_outbound": True,
                         "voice_inbound": True, "voice_outbound": True},
        "url": f"{host('proxy')}/v1/Services/{service_sid}/PhoneNumbers/{sid}",
        "is_reserved": False,
        "in_use": 0,
    }, stated)


def proxy_session(stated: dict, account_sid: str, service_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('proxy')}/v1/Services/{service_sid}/Sessions/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "service_sid": service_sid,
        "date_started": DEFAULT_DATE,
        "date_ended": None,
        "date_last_interaction": None,
        "date_expiry": None,
        "unique_name": None,
        "status": "open",
        "closed_reason": None,
        "ttl": 0,
        "mode": "message-only",
        "url": url,
        "links": _links(url, interactions="Interactions", participants="Participants"),
    }, stated)


# --- messaging --------------------------------------------------------------

def messaging_service(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('messaging')}/v1/Services/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "friendly_name": "Messaging Service",
        "inbound_request_url": None,
        "inbound_method": "POST",
        "fallback_url": None,
        "fallback_method": "POST",
        "status_callback": None,
        "sticky_sender": True,
        "mms_converter": True,
        "smart_encoding": True,
        "scan_message_content": "inherit",
        "fallback_to_long_code": True,
        "area_code_geomatch": True,
        "synchronous_validation": False,
        "validity_period": 14400,
        "url": url,
        "links": _links(url, phone_numbers="PhoneNumbers", short_codes="ShortCodes",
                        alpha_senders="AlphaSenders", channel_senders="ChannelSenders",
                        us_app_to_person="Compliance/Usa2p",
                        us_app_to_person_usecases="Compliance/Usa2p/Usecases",
                        destination_alpha_senders="DestinationAlphaSenders"),
        "usecase": "undeclared",
        "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": False,
    }, stated, drop=("phone_numbers",))


def messaging_phone_number(stated: dict, account_sid: str, service_sid: str) -> dict:
    sid = stated["sid"]
    return _merge({
        **_owned(sid, account_sid),
        "service_sid": service_sid,
        "phone_number": "+15550100000",
        "country_code": "US",
        "capabilities": ["SMS", "MMS", "Voice"],
        "url": f"{host('messaging')}/v1/Services/{service_sid}/PhoneNumbers/{sid}",
    }, stated)


# --- chat -------------------------------------------------------------------

def chat_service(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('chat')}/v2/Services/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "friendly_name": "Chat Service",
        "default_service_role_sid": None,
        "default_channel_role_sid": None,
        "default_channel_creator_role_sid": None,
        "read_status_enabled": True,
        "reachability_enabled": False,
        "typing_indicator_timeout": 5,
        "consumption_report_interval": 10,
        "limits": {"channel_members": 250, "user_channels": 100},
        "pre_webhook_url": None,
        "post_webhook_url": None,
        "webhook_method": "POST",
        "webhook_filters": [],
        "pre_webhook_retry_count": 0,
        "post_webhook_retry_count": 0,
        "notifications": {},
        "media": {"size_limit_mb": 150, "compatibility_message": "Media messages are not supported by your client"},
        "url": url,
        "links": _links(url, channels="Channels", roles="Roles", users="Users", bindings="Bindings"),
    }, stated, drop=("channels",))


def chat_channel(stated: dict, account_sid: str, service_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('chat')}/v2/Services/{service_sid}/Channels/{sid}"
    channel = _merge({
        "sid": sid,
        "account_sid": account_sid,
        "service_sid": service_sid,
        "friendly_name": None,
        "unique_name": None,
        "attributes": "{}",
        "type": "private",
        "date_created": DEFAULT_DATE,
        "date_updated": DEFAULT_DATE,
        "created_by": "system",
        "members_count": 0,
        "messages_count": 0,
        "url": url,
        "links": _links(url, members="Members", messages="Messages", invites="Invites",
                        webhooks="Webhooks", last_message="Messages/Last"),
    }, stated)
    if channel["attributes"] is not None:
        channel["attributes"] = as_json_text(channel["attributes"])
    return channel


# --- conversations ----------------------------------------------------------

def conversations_configuration(stated: dict, account_sid: str) -> dict:
    url = f"{host('conversations')}/v1/Configuration"
    return _merge({
        "account_sid": account_sid,
        "default_chat_service_sid": None,
        "default_messaging_service_sid": None,
        "default_inactive_timer": None,
        "default_closed_timer": None,
        "url": url,
        "links": {"service": f"{host('conversations')}/v1/Services",
                  "webhooks": f"{url}/Webhooks"},
    }, stated)


def address_configuration(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    return _merge({
        **_owned(sid, account_sid),
        "type": "sms",
        "address": None,
        "friendly_name": None,
        "auto_creation": {"enabled": False},
        "url": f"{host('conversations')}/v1/Configuration/Addresses/{sid}",
        "address_country": None,
    }, stated)


def conversation_service(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('conversations')}/v1/Services/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "friendly_name": "Flex Conversation Service",
        "url": url,
        "links": _links(url, conversations="Conversations", users="Users", roles="Roles",
                        bindings="Bindings", configuration="Configuration",
                        participant_conversations="ParticipantConversations"),
    }, stated, drop=("conversations",))


def conversation(stated: dict, account_sid: str, service_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('conversations')}/v1/Services/{service_sid}/Conversations/{sid}"
    found = _merge({
        "account_sid": account_sid,
        "chat_service_sid": service_sid,
        "messaging_service_sid": None,
        "sid": sid,
        "friendly_name": None,
        "unique_name": None,
        "attributes": "{}",
        "state": "active",
        "date_created": DEFAULT_DATE,
        "date_updated": DEFAULT_DATE,
        "timers": {},
        "url": url,
        "links": _links(url, participants="Participants", messages="Messages", webhooks="Webhooks"),
        "bindings": {},
    }, stated)
    if found["attributes"] is not None:
        found["attributes"] = as_json_text(found["attributes"])
    return found


# --- taskrouter -------------------------------------------------------------

DEFAULT_WORKFLOW_CONFIGURATION = {
    "task_routing": {"filters": [], "default_filter": {"queue": "WQ00000000000000000000000000000000"}},
}


def workspace(stated: dict, account_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('taskrouter')}/v1/Workspaces/{sid}"
    return _merge({
        **_owned(sid, account_sid),
        "default_activity_name": "Offline",
        "default_activity_sid": None,
        "event_callback_url": None,
        "events_filter": None,
        "friendly_name": "Flex Task Assignment",
        "multi_task_enabled": True,
        "timeout_activity_name": "Offline",
        "timeout_activity_sid": None,
        "prioritize_queue_order": "FIFO",
        "url": url,
        "links": _links(url, activities="Activities", statistics="Statistics",
                        real_time_statistics="RealTimeStatistics",
                        cumulative_statistics="CumulativeStatistics", task_queues="TaskQueues",
                        tasks="Tasks", workers="Workers", workflows="Workflows",
                        task_channels="TaskChannels", events="Events"),
    }, stated, drop=("workflows", "task_channels"))


def workflow(stated: dict, account_sid: str, workspace_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('taskrouter')}/v1/Workspaces/{workspace_sid}/Workflows/{sid}"
    flow = _merge({
        "account_sid": account_sid,
        "assignment_callback_url": None,
        "configuration": DEFAULT_WORKFLOW_CONFIGURATION,
        "date_created": DEFAULT_DATE,
        "date_updated": DEFAULT_DATE,
        "document_content_type": "application/json",
        "fallback_assignment_callback_url": None,
        "friendly_name": "Workflow",
        "sid": sid,
        "task_reservation_timeout": 120,
        "workspace_sid": workspace_sid,
        "url": url,
        "links": _links(url, statistics="Statistics", real_time_statistics="RealTimeStatistics",
                        cumulative_statistics="CumulativeStatistics"),
    }, stated)
    if flow["configuration"] is not None:
        flow["configuration"] = as_json_text(flow["configuration"])
    return flow


def task_channel(stated: dict, account_sid: str, workspace_sid: str) -> dict:
    sid = stated["sid"]
    url = f"{host('taskrouter')}/v1/Workspaces/{workspace_sid}/TaskChannels/{sid}"
    unique_name = stated.get("unique_name", "default")
    return _merge({
        **_owned(sid, account_sid),
        "friendly_name": unique_name.capitalize() if isinstance(unique_name, str) else None,
        "unique_name": unique_name,
        "workspace_sid": workspace_sid,
        "channel_optimized_routing": False,
        "url": url,
        "links": {"workspace": f"{host('taskrouter')}/v1/Workspaces/{workspace_sid}"},
    }, stated)

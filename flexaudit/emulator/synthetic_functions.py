"""Source text of synthetic Twilio Functions: what Flex teams deploy next to Flex.

Most are harmless helpers; `legacy_source` writes one that still calls a
legacy API the way real code does (rules.md, "Legacy API use"): Programmable
Chat through the Node helper (`.chat.v2`), Proxy (`.proxy.v1`), or the Flex
Flow REST endpoint (`/FlexFlows`). Each returns the pattern it contains, so
the generator can count what a scan should find.
"""

from __future__ import annotations

# (file name stem, source) of functions that call no legacy API.
_HELPERS = (
    ("business-hours", """exports.handler = (context, event, callback) => {
  const hour = new Date().getUTCHours();
  callback(null, { open: hour >= 13 && hour < 23 });
};
"""),
    ("lookup-customer", """const crm = require(Runtime.getFunctions()['crm'].path);

exports.handler = async (context, event, callback) => {
  const customer = await crm.findByPhone(context.CRM_URL, event.from);
  callback(null, { name: customer ? customer.name : 'Customer', tier: customer ? customer.tier : 'standard' });
};
"""),
    ("create-interaction", """exports.handler = async (context, event, callback) => {
  const client = context.getTwilioClient();
  const interaction = await client.flexApi.v1.interaction.create({
    channel: { type: 'sms', initiated_by: 'customer', properties: { media_channel_sid: event.ConversationSid } },
    routing: { properties: { workspace_sid: context.WORKSPACE_SID, workflow_sid: context.WORKFLOW_SID } },
  });
  callback(null, { sid: interaction.sid });
};
"""),
    ("send-survey", """exports.handler = async (context, event, callback) => {
  const client = context.getTwilioClient();
  await client.conversations.v1.conversations(event.ConversationSid)
    .messages.create({ author: 'survey', body: 'How did we do? Reply 1-5.' });
  callback(null, {});
};
"""),
    ("task-attributes", """exports.handler = async (context, event, callback) => {
  const client = context.getTwilioClient();
  const task = await client.taskrouter.v1.workspaces(context.WORKSPACE_SID).tasks(event.TaskSid).fetch();
  callback(null, JSON.parse(task.attributes));
};
"""),
)

_LEGACY = (
    (".chat.v2", "close-chat-channel", """exports.handler = async (context, event, callback) => {
  const client = context.getTwilioClient();
  await client.chat.v2.services(context.CHAT_SERVICE_SID)
    .channels(event.channelSid)
    .update({ attributes: JSON.stringify({ status: 'INACTIVE' }) });
  callback(null, { closed: event.channelSid });
};
"""),
    (".proxy.v1", "cleanup-proxy-session", """exports.handler = async (context, event, callback) => {
  const client = context.getTwilioClient();
  // Close the customer's Proxy session so their next message opens a new task.
  await client.proxy.v1.services(context.PROXY_SERVICE_SID).sessions(event.sessionSid).remove();
  callback(null, {});
};
"""),
    ("/FlexFlows", "outbound-sms-flow", """const axios = require('axios');

exports.handler = async (context, event, callback) => {
  const flows = await axios.get('https://flex-api.twilio.com/v1/FlexFlows', {
    auth: { username: context.ACCOUNT_SID, password: context.AUTH_TOKEN },
  });
  const flow = flows.data.flex_flows.find((f) => f.contact_identity === event.From);
  callback(null, { flexFlowSid: flow && flow.sid });
};
"""),
)

LEGACY_PATTERNS = tuple(pattern for pattern, _, _ in _LEGACY)


def helper_source(n: int) -> tuple[str, str]:
    """(name, source) of the n-th harmless helper."""
    name, source = _HELPERS[n % len(_HELPERS)]
    return f"{name}-{n}", source


def legacy_source(n: int) -> tuple[str, str, str]:
    """(legacy pattern, name, source) of the n-th function still calling a legacy API."""
    pattern, name, source = _LEGACY[n % len(_LEGACY)]
    return pattern, f"{name}-{n}", source

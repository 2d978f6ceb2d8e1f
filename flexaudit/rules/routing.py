"""1xx: legacy routing (number <-> Flex Flow <-> handler).

These rules concern enabled Flex Flows (`enabled` exactly true) unless stated;
a disabled flow only gets FLX106 here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flexaudit.model.findings import Severity
from flexaudit.analysis.phone import has_whatsapp_prefix, normalize_number
from flexaudit.analysis.index import (
    NUMBER_CHANNELS,
    Context,
    channel,
    integ_text,
    integration_type,
    is_disabled,
    number_name,
    proxy_webhook,
    safe_url,
    sids,
    text,
)
from flexaudit.rules.registry import WORK, on_flow, on_number, rule

ROUTING = ("routing",)
PROXY_DEPS = ("phone_numbers", "flex_flows", "flex_configuration", "proxy")

SMS_SETUP = "https://www.twilio.com/docs/flex/admin-guide/tutorials/sms-setup"
INBOUND_CHANNELS = "https://www.twilio.com/docs/flex/developer/messaging/inbound-messages-channels"
FLOW_RESOURCE = "https://www.twilio.com/docs/flex/developer/messaging/flow"
MANAGE_FLOWS = "https://www.twilio.com/docs/flex/developer/messaging/manage-flows"


def _expected_webhook(ctx: Context) -> str:
    if ctx.proxy.resolved:
        return proxy_webhook(ctx.account_sid, str(ctx.proxy.service.sid))
    return "the Flex Proxy webhook"


@rule(
    id="FLX101",
    severity=Severity.HIGH,
    title="Mapped number's inbound webhook is not the Flex Proxy webhook",
    rationale="""Inbound SMS/WhatsApp reach a Flex Flow only through the Flex Proxy Service: the
    number's "A message comes in" webhook must be the Flex Proxy webhook. Only the Console wires
    it; a Flex Flow created through the API or Terraform leaves the number pointing elsewhere, so
    inbound messages never reach Flex.""",
    remediation="""Set the number's messaging webhook to
    https://webhooks.twilio.com/v1/Accounts/{AC}/Proxy/{KS}/Webhooks/Message (Console: Phone
    Numbers > the number > Messaging > A message comes in), e.g. `twilio
    api:core:incoming-phone-numbers:update --sid PN... --sms-url <that URL>`.""",
    docs_url=SMS_SETUP,
    families=PROXY_DEPS,
    resource_type="phone_number",
    scope="per mapped number",
    tags=ROUTING + ("proxy", "webhook"),
    readiness=WORK,
)
def flx101(ctx: Context):
    for m in ctx.mapped.values():
        if ctx.is_flex_proxy_webhook(m.number.sms_url):
            continue
        yield on_number(m.number, f"{m.name} is the contact identity of enabled Flex Flow {m.describe_flows()}, but inbound "
            f"messages to it go to {ctx.describe_handler(m.number.sms_url)} instead of {_expected_webhook(ctx)}: "
            f"they never reach Flex.{ctx.proxy.note}",
        )


@rule(
    id="FLX102",
    severity=Severity.HIGH,
    title="Mapped number has a TwiML App for messaging",
    rationale="""When a number's `sms_application_sid` is set, the TwiML App's messaging URLs
    override the number's own `sms_url`: the Flex Proxy webhook is ignored and inbound messages
    never reach Flex.""",
    remediation="""Remove the TwiML App from the number's messaging configuration: `twilio
    api:core:incoming-phone-numbers:update --sid PN... --sms-application-sid ""`, then check the
    webhook is the Flex Proxy webhook.""",
    docs_url=INBOUND_CHANNELS,
    families=("phone_numbers", "flex_flows"),
    resource_type="phone_number",
    scope="per mapped number",
    tags=ROUTING + ("webhook",),
    readiness=WORK,
)
def flx102(ctx: Context):
    for m in ctx.mapped.values():
        app = text(m.number.sms_application_sid)
        if app:
            yield on_number(m.number, f"{m.name} (enabled Flex Flow {m.describe_flows()}) uses TwiML App {app} for messaging: "
                "its URLs override sms_url, so the Flex Proxy webhook is ignored.",
            )


@rule(
    id="FLX103",
    severity=Severity.HIGH,
    title="Mapped number is in a Messaging Service that takes its inbound messages",
    rationale="""A number in a Messaging Service whose "Defer to sender's webhook"
    (`use_inbound_webhook_on_number`) is off sends inbound messages to the service's inbound URL
    (or nowhere), never to Proxy: typical after A2P 10DLC registration added the number to a
    campaign's service.""",
    remediation="""In the Messaging Service, set Integration > Incoming Messages to "Defer to
    sender's webhook" (`twilio api:messaging:v1:services:update --sid MG...
    --use-inbound-webhook-on-number`), or remove the number from the service.""",
    docs_url="https://www.twilio.com/docs/proxy/flex-a2p-10dlc",
    families=("phone_numbers", "flex_flows", "messaging"),
    resource_type="phone_number",
    scope="per mapped number",
    tags=ROUTING + ("messaging-service", "a2p"),
    readiness=WORK,
)
def flx103(ctx: Context):
    for m in ctx.mapped.values():
        takers = [s for s in ctx.messaging_services_of(m.number) if s.use_inbound_webhook_on_number is False]
        if not takers:
            continue
        where = "; ".join(
            f"{s.sid} sends them to {safe_url(s.inbound_request_url) if text(s.inbound_request_url) else 'no URL (not received)'}"
            for s in takers
        )
        yield on_number(m.number, f"{m.name} (enabled Flex Flow {m.describe_flows()}) is in Messaging Service {sids(takers)} "
            f"without \"Defer to sender's webhook\": inbound messages never reach Proxy ({where}).",
        )


@rule(
    id="FLX104",
    severity=Severity.MEDIUM,
    title="Flex Flow's contact identity matches no number in the account",
    rationale="""An enabled sms/whatsapp Flex Flow handles the number its contact identity names.
    When no IncomingPhoneNumber of the account has that number (released, ported away, typo), the
    flow can never receive a message.""",
    remediation="""Correct the identity (`twilio api:flex:v1:flex-flows:update --sid FO...
    --contact-identity +1...`, `whatsapp:+1...` for WhatsApp), or delete the flow if the number is
    gone (`twilio api:flex:v1:flex-flows:remove --sid FO...`).""",
    docs_url=MANAGE_FLOWS,
    families=("phone_numbers", "flex_flows"),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=ROUTING,
    readiness=WORK,
)
def flx104(ctx: Context):
    for f in ctx.enabled_flows:
        if channel(f) not in NUMBER_CHANNELS or ctx.numbers_for(f.contact_identity):
            continue
        identity = text(f.contact_identity)
        what = f"contact identity {identity!r} matches no number in the account" if identity else "has no contact identity"
        yield on_flow(f, f"Enabled {channel(f)} Flex Flow {f.sid} {what}: it can never receive a message.")


@rule(
    id="FLX105",
    severity=Severity.HIGH,
    title="Several enabled Flex Flows share a channel and contact identity",
    rationale="""Two or more enabled Flex Flows with the same channel type and normalized contact
    identity make inbound routing ambiguous (errors 45210/45212 when creating them). An extra
    disabled flow on the same identity is fine: it is the usual outbound-only pattern.""",
    remediation="""Keep one enabled flow per channel and identity: disable the others (`twilio
    api:flex:v1:flex-flows:update --sid FO... --no-enabled`) or delete them.""",
    docs_url="https://www.twilio.com/docs/api/errors/45210",
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow, on each of the group",
    tags=ROUTING,
    readiness=WORK,
)
def flx105(ctx: Context):
    for (chan, norm), flows in ctx.flows_by_identity.items():
        group = [f for f in flows if f.enabled is True]
        if not chan or len(group) < 2:
            continue
        for f in group:
            others = sids(g for g in group if g is not f)
            yield on_flow(f, f"Enabled {chan} Flex Flow {f.sid} shares contact identity {norm} with enabled flow(s) {others}: "
                "inbound routing is ambiguous.",
            )


@rule(
    id="FLX106",
    severity=Severity.LOW,
    title="Flex Flow is disabled",
    rationale="""A disabled Flex Flow handles no inbound message. It is often kept on purpose for
    agent-initiated outbound messages, but it is still a legacy address that must be retired before
    Programmable Chat's end of life.""",
    remediation="""If nothing uses it (outbound functions, plugins), delete it: `twilio
    api:flex:v1:flex-flows:remove --sid FO...`; otherwise move its outbound use to the Interactions
    API.""",
    docs_url=MANAGE_FLOWS,
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=ROUTING + ("hygiene",),
)
def flx106(ctx: Context):
    for f in ctx.flows:
        if is_disabled(f):
            ident = text(f.contact_identity)
            yield on_flow(f, f"Flex Flow {f.sid} ({channel(f) or 'unknown channel'}{', ' + ident if ident else ''}) is disabled.",
            )


def _has_sms(caps: object) -> bool | None:
    if not isinstance(caps, dict):
        return None
    return any(isinstance(k, str) and k.lower() == "sms" and v is True for k, v in caps.items())


@rule(
    id="FLX107",
    severity=Severity.MEDIUM,
    title="sms Flex Flow maps a number without SMS capability",
    rationale="""An sms Flex Flow on a number whose capabilities lack SMS (voice-only, fax) can never
    receive or send an SMS.""",
    remediation="""Point the flow at an SMS-capable number (`twilio api:flex:v1:flex-flows:update
    --sid FO... --contact-identity +1...`) or delete it.""",
    docs_url=SMS_SETUP,
    families=("phone_numbers", "flex_flows"),
    resource_type="phone_number",
    scope="per mapped number",
    tags=ROUTING,
    readiness=WORK,
)
def flx107(ctx: Context):
    for m in ctx.mapped.values():
        flows = m.flows_of("sms")
        if flows and _has_sms(m.number.capabilities) is False:
            yield on_number(m.number, f"{m.name} is mapped by sms Flex Flow {m.describe_flows(flows)} but has no SMS capability.",
            )


@rule(
    id="FLX108",
    severity=Severity.MEDIUM,
    title="Number is wired to Flex Proxy but no enabled Flex Flow maps it",
    rationale="""A number whose webhook is the Flex Proxy webhook hands every inbound message to
    Proxy, which looks for an enabled Flex Flow for it. With none (no flow at all, or only disabled
    ones) the message fails with error 45205.""",
    remediation="""Create or enable the Flex Flow for the number, or give the number the webhook it
    should have (`twilio api:core:incoming-phone-numbers:update --sid PN... --sms-url ...`).""",
    docs_url="https://www.twilio.com/docs/api/errors/45205",
    families=PROXY_DEPS,
    resource_type="phone_number",
    scope="per number",
    tags=ROUTING + ("proxy", "webhook"),
    readiness=WORK,
)
def flx108(ctx: Context):
    for n in ctx.numbers:
        if str(n.sid) in ctx.mapped or not ctx.is_flex_proxy_webhook(n.sms_url):
            continue
        norm = normalize_number(n.phone_number) or ""
        disabled = [f for chan in NUMBER_CHANNELS for f in ctx.flows_by_identity.get((chan, norm), [])]
        why = f"only disabled or undetermined Flex Flows ({sids(disabled)}) name it" if disabled else "no Flex Flow names it"
        yield on_number(n, f"{number_name(n)} sends inbound messages to the Flex Proxy webhook but {why}: "
            f"they fail with error 45205.{ctx.proxy.note}",
        )


@rule(
    id="FLX109",
    severity=Severity.MEDIUM,
    title="Flex Flow uses a chat service other than the Flex chat service",
    rationale="""Flex UI and the Flex Proxy Service only see channels in the Flex chat service (the
    Flex configuration's chat_service_instance_sid); channels a flow creates elsewhere never reach
    agents.""",
    remediation="""Point the flow at the Flex chat service: `twilio api:flex:v1:flex-flows:update
    --sid FO... --chat-service-sid IS...` (the Flex configuration's chat_service_instance_sid).""",
    docs_url=FLOW_RESOURCE,
    families=("flex_flows", "flex_configuration"),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=ROUTING + ("chat",),
    readiness=WORK,
)
def flx109(ctx: Context):
    if not ctx.flex_chat_sid:
        return
    for f in ctx.enabled_flows:
        used = text(f.chat_service_sid)
        if used != ctx.flex_chat_sid:
            yield on_flow(f, f"Flex Flow {f.sid} uses chat service {used or '(none)'}, not the Flex chat service {ctx.flex_chat_sid}.",
            )


@rule(
    id="FLX110",
    severity=Severity.MEDIUM,
    title="External integration has no https URL",
    rationale="""An `external` Flex Flow posts every new message to its integration URL; with no URL
    nothing handles the message, and a plain-http URL sends customer messages unencrypted (and may be
    refused).""",
    remediation="""Set an https endpoint: `twilio api:flex:v1:flex-flows:update --sid FO...
    --integration.url https://...`.""",
    docs_url=FLOW_RESOURCE,
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=ROUTING + ("external",),
    readiness=WORK,
)
def flx110(ctx: Context):
    for f in ctx.enabled_flows:
        if integration_type(f) != "external":
            continue
        url = integ_text(f, "url")
        if not url:
            yield on_flow(f, f"External Flex Flow {f.sid} has no integration URL.")
        elif _scheme(url) != "https":
            yield on_flow(f, f"External Flex Flow {f.sid} posts to {safe_url(url)}, which is not https.")


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


@rule(
    id="FLX111",
    severity=Severity.HIGH,
    title="Task integration names no existing workflow",
    rationale="""A `task` Flex Flow creates a TaskRouter task in its workspace_sid with its
    workflow_sid; when either is missing, or the workflow is not in that workspace, no task is
    created and the message is never routed to an agent.""",
    remediation="""Set an existing workspace and workflow: `twilio api:flex:v1:flex-flows:update
    --sid FO... --integration.workspace-sid WS... --integration.workflow-sid WW...`.""",
    docs_url=FLOW_RESOURCE,
    families=("flex_flows", "taskrouter"),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=ROUTING + ("task", "taskrouter"),
    readiness=WORK,
)
def flx111(ctx: Context):
    for f in ctx.enabled_flows:
        if integration_type(f) != "task":
            continue
        problem = _task_problem(ctx, integ_text(f, "workspace_sid"), integ_text(f, "workflow_sid"))
        if problem:
            yield on_flow(f, f"Task Flex Flow {f.sid}: {problem}; no task is created.")


def _task_problem(ctx: Context, ws: str, ww: str) -> str | None:
    missing = [name for name, value in (("workspace_sid", ws), ("workflow_sid", ww)) if not value]
    if missing:
        return f"the integration has no {' and no '.join(missing)}"
    workspace = ctx.workspaces_by_sid.get(ws)
    if workspace is None:
        return f"TaskRouter workspace {ws} does not exist in the account"
    if not ctx.workflow_in(workspace, ww):
        return f"workflow {ww} does not exist in TaskRouter workspace {ws}"
    return None


@rule(
    id="FLX112",
    severity=Severity.HIGH,
    title="sms number is not in the Flex Proxy Service's pool",
    rationale="""Agents' replies go out through the Flex Proxy Service, which needs the number in
    its phone-number pool; without it replies fail with error 80620 (typically after the number was
    removed from the pool, or when it sits in a Messaging Service that Proxy refuses).""",
    remediation="""Add the number to the Flex Proxy Service: `twilio
    api:proxy:v1:services:phone-numbers:create --service-sid KS... --sid PN...`.""",
    docs_url="https://www.twilio.com/docs/api/errors/80620",
    families=PROXY_DEPS,
    resource_type="phone_number",
    scope="per mapped number of an sms flow",
    tags=ROUTING + ("proxy",),
    readiness=WORK,
)
def flx112(ctx: Context):
    allowed = {id(s) for s in ctx.proxy.services}
    for m in ctx.mapped.values():
        flows = m.flows_of("sms")
        if not flows or any(id(s) in allowed for s in ctx.proxy_pools_of(m.number)):
            continue
        pool = str(ctx.proxy.service.sid) if ctx.proxy.resolved else "the Flex Proxy Service"
        yield on_number(m.number, f"{m.name} (sms Flex Flow {m.describe_flows(flows)}) is not in the phone-number pool of {pool}: "
            f"agents' replies fail with error 80620.{ctx.proxy.note}",
        )


@rule(
    id="FLX113",
    severity=Severity.MEDIUM,
    title="WhatsApp Flex Flow's contact identity lacks the whatsapp: prefix",
    rationale="""Inbound WhatsApp messages arrive addressed to `whatsapp:+E.164`; a whatsapp Flex
    Flow whose identity is the bare number never matches them (error 45205).""",
    remediation="""Set the identity with the prefix: `twilio api:flex:v1:flex-flows:update --sid
    FO... --contact-identity whatsapp:+1...`.""",
    docs_url=INBOUND_CHANNELS,
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=ROUTING + ("whatsapp",),
    readiness=WORK,
)
def flx113(ctx: Context):
    for f in ctx.enabled_flows:
        identity = text(f.contact_identity)
        if channel(f) == "whatsapp" and identity and not has_whatsapp_prefix(identity):
            yield on_flow(f, f"WhatsApp Flex Flow {f.sid} has contact identity {identity!r} without the 'whatsapp:' prefix: "
                "inbound WhatsApp messages will not match it (error 45205).",
            )


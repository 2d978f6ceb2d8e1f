"""4xx: Flex Conversations migration readiness."""

from __future__ import annotations

import re

from flexaudit.model.findings import Severity
from flexaudit.model.lifecycle import FLEX_UI_1_EOL
from flexaudit.analysis.index import (
    NUMBER_CHANNELS,
    Context,
    channel,
    integ_text,
    integration_type,
    is_enabled,
    number_name,
    safe_url,
    sids,
    text,
)
from flexaudit.rules.registry import BLOCKS, WORK, Hit, on_flow, on_number, rule
from flexaudit.rules.studio import flows_with_studio, studio_label, unreachable_reason
from flexaudit.analysis.studio_graph import INCOMING_CONVERSATION_MESSAGE

MIGRATION = ("migration",)
MIGRATE_DOCS = "https://www.twilio.com/docs/flex/admin-guide/setup/conversations/migrate-from-legacy-messaging"
PREREQ_DOCS = "https://www.twilio.com/docs/flex/admin-guide/setup/conversations/prerequisites"
_MAJOR = re.compile(r"\d+")


def ui_major(version: object) -> int | None:
    """Major version of a Flex UI version string ("1.34.6", "~1.19.n", "v2"), semver-coerce style."""
    m = _MAJOR.search(text(version))
    return int(m.group()) if m else None


@rule(
    id="FLX401",
    severity=Severity.HIGH,
    title="Flex UI is 1.x: Flex Conversations needs Flex UI 2.x",
    rationale="""Flex Conversations only works with Flex UI 2.x; Flex UI 1.x reached end of life on
    2024-06-30. Until the account runs 2.x no address can move: this blocks every address.""",
    remediation="""Migrate the 1.x plugins (`twilio flex:plugins:upgrade-plugin --ui-2`) and switch
    the account to Flex UI 2.x (Console: Flex > Admin > Versions), following the Flex UI 2.0
    migration guide.""",
    docs_url="https://www.twilio.com/docs/flex/developer/plugins/migration-guide",
    families=("flex_configuration",),
    resource_type="flex_configuration",
    scope="per Flex configuration",
    tags=MIGRATION + ("blocker", "eol"),
    readiness=BLOCKS,
    blocker_fix="""Fix blocker FLX401 first (account-wide): account {account} runs Flex UI {ui_version};
    migrate the 1.x plugins (`twilio flex:plugins:upgrade-plugin --ui-2 --install`) and switch the
    account to Flex UI 2.x in Console > Flex > Admin > Versions.""",
    account_wide=True,
)
def flx401(ctx: Context):
    config = ctx.inventory.flex_configuration
    major = ui_major(config.ui_version) if config else None
    if major is not None and major < 2:
        yield Hit(
            ctx.account_sid,
            "Flex configuration",
            f"The account runs Flex UI {text(config.ui_version)!r} (major version {major}); Flex UI 1.x reached end of "
            f"life on {FLEX_UI_1_EOL.isoformat()} and Flex Conversations needs 2.x: this blocks every address.",
        )


@rule(
    id="FLX402",
    severity=Severity.MEDIUM,
    title="Long-lived Flex Flow: no out-of-the-box equivalent in Flex Conversations",
    rationale="""`long_lived` keeps one chat channel per customer across interactions; Flex
    Conversations has no such setting, so agents lose the running history unless it is rebuilt
    (e.g. conversation history plugins or CRM).""",
    remediation="""Decide how agents will see earlier interactions after the move (Conversations
    inactive/closed timers, a history plugin, the CRM) and export the long-lived channels' history
    you must keep.""",
    docs_url=MIGRATE_DOCS,
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=MIGRATION + ("long-lived",),
    readiness=WORK,
)
def flx402(ctx: Context):
    for f in ctx.flows:
        if f.long_lived is True:
            yield on_flow(f, f"Flex Flow {f.sid} is long-lived: Flex Conversations has no equivalent out of the box.")


@rule(
    id="FLX403",
    severity=Severity.HIGH,
    title="Task integration is not supported by Flex Conversations",
    rationale="""Conversations addresses support Studio and webhook integrations only; a `task`
    Flex Flow (often a disabled one used for agent-initiated outbound) has no equivalent and blocks
    the address's migration.""",
    remediation="""Move the integration to a Studio flow (Incoming Conversation > Send to Flex) or to
    a webhook that creates Interactions (`POST https://flex-api.twilio.com/v1/Interactions`);
    move outbound use to outbound Interactions.""",
    docs_url=MIGRATE_DOCS,
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=MIGRATION + ("blocker", "task"),
    readiness=BLOCKS,
    blocker_fix="""Fix blocker FLX403: Conversations addresses do not support Flex Flow {flex_flow}'s task
    integration (workspace {task_workspace}, workflow {task_workflow}); choose a Studio flow with
    Incoming Conversation > Send to Flex (workflow {task_workflow}) or a webhook that creates
    Interactions (`POST https://flex-api.twilio.com/v1/Interactions`).""",
)
def flx403(ctx: Context):
    for f in ctx.flows:
        if integration_type(f) == "task":
            extra = " It is disabled: if it serves agent-initiated outbound, that moves to outbound Interactions." if f.enabled is False else ""
            yield on_flow(f, f"Flex Flow {f.sid} uses the task integration, which Conversations addresses do not support: "
                f"move it to Studio or to a webhook + Interactions API.{extra}",
            )


@rule(
    id="FLX404",
    severity=Severity.MEDIUM,
    title="External integration: the endpoint must move to Conversations and Interactions",
    rationale="""An `external` Flex Flow's endpoint drives Programmable Chat, Proxy and TaskRouter
    directly; after the move it receives Conversations webhooks (onMessageAdded) and must create
    Interactions instead of tasks and call the Conversations API instead of Chat/Proxy.""",
    remediation="""Rewrite the endpoint for Conversations webhooks and the Interactions API, then
    create the address with `--auto-creation.type webhook --auto-creation.webhook-url https://...`.""",
    docs_url="https://www.twilio.com/docs/flex/developer/conversations/receive-inbound-messages-from-sms-and-whatsapp",
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=MIGRATION + ("external",),
    readiness=WORK,
)
def flx404(ctx: Context):
    for f in ctx.flows:
        if integration_type(f) == "external":
            url = integ_text(f, "url")
            where = f" ({safe_url(url)})" if url else ""
            yield on_flow(f, f"External Flex Flow {f.sid}: its endpoint{where} must move from Chat/Proxy/Task calls to Conversations and Interactions.",
            )


@rule(
    id="FLX405",
    severity=Severity.HIGH,
    title="No Send to Flex widget is reachable from Incoming Conversation",
    rationale="""A Conversations address with a Studio integration starts the flow with the trigger
    event `incomingConversationMessage`; unless that transition reaches a Send to Flex widget, no
    Interaction or task is created after the move. Blocker for the address.""",
    remediation="""In Studio, connect the Trigger's Incoming Conversation transition to a Send to Flex
    widget (Flex workflow, task channel "Programmable Chat") and publish. If the trigger has no
    Incoming Conversation, the account lacks a flag: contact Twilio support.""",
    docs_url=PREREQ_DOCS,
    families=("flex_flows", "studio"),
    resource_type="flex_flow",
    scope="per Flex Flow with a studio integration whose Studio flow exists",
    tags=MIGRATION + ("blocker", "studio"),
    readiness=BLOCKS,
    blocker_fix="""Fix blocker FLX405: in Studio flow {studio_flow}, connect the Trigger's Incoming
    Conversation (`incomingConversationMessage`) to a Send to Flex widget (workflow
    {send_to_flex_workflow}, task channel {send_to_flex_channel}) and publish it (`twilio
    api:studio:v2:flows:update --sid {studio_flow} --status published --definition "$(cat
    flow.json)"` or the Studio editor's Publish).""",
)
def flx405(ctx: Context):
    for f, studio, graph in flows_with_studio(ctx):
        if not graph.usable or graph.reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE):
            continue
        reason = (
            unreachable_reason(graph, INCOMING_CONVERSATION_MESSAGE)
            if graph.send_to_flex
            else "it has no Send to Flex widget at all"
        )
        yield on_flow(f, f"Studio flow {studio_label(studio)} behind Flex Flow {f.sid}: {reason}.")


@rule(
    id="FLX406",
    severity=Severity.HIGH,
    title="Number has both an enabled Flex Flow and a Conversations address",
    rationale="""When the same number and channel has an enabled Flex Flow and a Conversations
    address configuration, both claim its inbound messages: double handling, duplicate tasks or
    messages lost to the wrong side.""",
    remediation="""Finish the move: delete the Flex Flow (`twilio api:flex:v1:flex-flows:remove --sid
    FO...`) and clear the number's webhook, or remove the address (`twilio
    api:conversations:v1:configuration:addresses:remove --sid IG...`) to fall back to legacy.""",
    docs_url=MIGRATE_DOCS,
    families=("phone_numbers", "flex_flows", "conversations"),
    resource_type="phone_number",
    scope="per number",
    tags=MIGRATION + ("conversations",),
    readiness=WORK,
)
def flx406(ctx: Context):
    clashes: dict[str, tuple] = {}
    for (atype, norm), addresses in ctx.addresses_by_identity.items():
        flows = [f for f in ctx.flows_by_identity.get((atype, norm), []) if is_enabled(f)]
        if atype not in NUMBER_CHANNELS or not flows:
            continue
        for n in ctx.numbers_by_norm.get(norm, []):
            entry = clashes.setdefault(str(n.sid), (n, []))
            entry[1].append(f"{atype} address {sids(addresses)} and enabled Flex Flow {sids(flows)}")
    for sid in sorted(clashes):
        number, pairs = clashes[sid]
        yield on_number(number, f"{number_name(number)} has both {'; '.join(pairs)}: double handling.")


@rule(
    id="FLX407",
    severity=Severity.MEDIUM,
    title="Conversations address number is in a Messaging Service or has an inbound webhook",
    rationale="""An sms/whatsapp Conversations address works only when the number has no Messaging
    Service and a blank "A message comes in" webhook: a webhook runs in parallel with the address
    (auto-replies, double handling) and a Messaging Service takes the messages away.""",
    remediation="""Clear the number's webhook (`twilio api:core:incoming-phone-numbers:update --sid
    PN... --sms-url ""`) and remove it from the Messaging Service (`twilio
    api:messaging:v1:services:phone-numbers:remove --service-sid MG... --sid PN...`), unless you run
    the advanced Messaging Service setup.""",
    docs_url="https://www.twilio.com/docs/flex/admin-guide/setup/conversations/manage-conversations-sms-addresses",
    families=("conversations", "phone_numbers", "messaging"),
    resource_type="conversations_address",
    scope="per Conversations address configuration of type sms/whatsapp",
    tags=MIGRATION + ("conversations", "messaging-service", "webhook"),
    readiness=WORK,
)
def flx407(ctx: Context):
    for a in ctx.addresses:
        if text(a.type).lower() not in NUMBER_CHANNELS:
            continue
        numbers = ctx.numbers_for(a.address)
        services = ctx.messaging_services_of(None, a.address)
        for n in numbers:
            services = services + [s for s in ctx.messaging_services_of(n) if s not in services]
        problems = [f"it is in Messaging Service {sids(services)}"] if services else []
        problems += [f"{n.sid} sends inbound messages to {ctx.describe_handler(n.sms_url)}" for n in numbers if text(n.sms_url)]
        if problems:
            yield Hit(
                str(a.sid),
                text(a.friendly_name) or text(a.address) or str(a.sid),
                f"Conversations address {a.sid} ({text(a.type).lower()} {text(a.address)}): {'; '.join(problems)}.",
            )


@rule(
    id="FLX408",
    severity=Severity.MEDIUM,
    title="Web Flex Flow: the website must move to Webchat 3.x",
    rationale="""Legacy webchat (Webchat 2.x) talks to a `web` Flex Flow through Programmable Chat;
    with Flex Conversations the website must embed Webchat 3.x, which uses a Conversations chat
    address instead.""",
    remediation="""Create a Conversations chat address (Console: Flex > Messaging > Conversations
    Addresses > Create > Chat) and replace the website's Webchat 2.x snippet with Webchat 3.x
    configured with that address's deployment key.""",
    docs_url="https://www.twilio.com/docs/flex/developer/conversations/programmable-chat-to-flex-conversations",
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=MIGRATION + ("webchat",),
    readiness=WORK,
)
def flx408(ctx: Context):
    for f in ctx.enabled_flows:
        if channel(f) == "web":
            yield on_flow(f, f"Web Flex Flow {f.sid}: the website must move to Webchat 3.x with a Conversations chat address.")


@rule(
    id="FLX409",
    severity=Severity.INFO,
    title="Flex Conversations prerequisites look undone",
    rationale="""Flex Conversations needs a default Conversations service (the Flex one) in the
    Conversations configuration; without `default_chat_service_sid`, or when the configuration
    cannot be read, the prerequisites (pre-provisioned only for accounts created from 2022-03-30)
    look undone.""",
    remediation="""Follow the Flex Conversations prerequisites: check `twilio
    api:conversations:v1:configuration:fetch` shows the Flex Conversations service as
    default_chat_service_sid, or ask Twilio support to provision Flex Conversations.""",
    docs_url=PREREQ_DOCS,
    families=(),
    resource_type="account",
    scope="per account",
    tags=MIGRATION + ("conversations",),
    account_wide=True,
)
def flx409(ctx: Context):
    inv = ctx.inventory
    cov = inv.coverage.get("conversations") if isinstance(inv.coverage, dict) else None
    name = text(inv.account.friendly_name) if inv.account else ""
    if cov is None or cov.complete is not True:
        error = (cov.error if cov else None) or "not scanned"
        message = f"The Conversations configuration could not be read ({error})."
    elif inv.conversations_configuration is None:
        message = "The account has no Conversations configuration: Flex Conversations is not set up."
    elif not text(inv.conversations_configuration.default_chat_service_sid):
        message = "The Conversations configuration has no default_chat_service_sid."
    else:
        return
    yield Hit(ctx.account_sid, name or "account", message + " The Flex Conversations prerequisites look undone.")

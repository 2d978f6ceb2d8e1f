"""Per-address readiness for Flex Conversations, its wave, and the migration plan.

One `AddressPlan` per Flex Flow (legacy address), ordered by flow sid
(rules.md "Address readiness"). What a finding means for readiness is its
rule's metadata (`readiness`, `account_wide`, `blocker_fix`, `prerequisite`):

- `blocked` (wave 3) if a rule that blocks migration names the flow;
- `needs-work` (wave 2) if a rule marked as work to do names the flow, its
  number (the IncomingPhoneNumber its contact identity names) or the Studio
  flow behind it;
- `ready` (wave 1) otherwise.

An account-wide blocker (FLX401, Flex UI 1.x) blocks every address alike, so
it stays out of each address's readiness, blockers and findings: it would hide
which address to move first. `account_prerequisites` says it once, for the
report's top; each plan still starts with one short step pointing at it, so
that a reader of one address's steps cannot miss it.

Readiness follows the findings only. When a family the 1xx/2xx/4xx rules read
could not be scanned, the state is still computed from what was found, and
the plan gains a "verify by hand" step naming the missing families (the
report's coverage and exit code 3 say the same account-wide).

Every finding passed in counts, suppressed or not: a waiver accepts a risk in
the report, it does not change what the migration has to do. Callers that
want waived findings ignored filter them out first.

`steps` is the ordered plan in Twilio's documented order (the order of
`flexaudit plan`'s scripts), each step one or two sentences naming the SIDs and
the twilio-cli command (and REST call where it helps): the account's
prerequisite, blocker fixes, preparation of the handler, a look at the
address's traffic and the draining of open channels and sessions, deletion of
the Flex Flow, removal of the number from the Flex Proxy Service and Messaging
Services, clearing of its inbound webhook, creation of the Conversations
address, and a test message.
"""

from __future__ import annotations

import re
import shlex
from urllib.parse import quote

from flexaudit.model.findings import AccountBlocker, AddressPlan, Finding
from flexaudit.model.inventory import FAMILIES, FlexFlow, Inventory, PhoneNumber
from flexaudit.analysis.phone import message_address, normalize_number, whatsapp_address
from flexaudit.analysis.index import (
    NUMBER_CHANNELS,
    Context,
    channel,
    integ_text,
    integration_type,
    safe_url,
    text,
)
from flexaudit.analysis.studio_graph import INCOMING_CONVERSATION_MESSAGE, INCOMING_MESSAGE, is_placeholder
from flexaudit.rules import Rule, account_blockers, all_rules, get_rule
from flexaudit.rules.registry import WORK
from flexaudit.safe_text import prose

READY, NEEDS_WORK, BLOCKED = "ready", "needs-work", "blocked"
WAVES = {READY: 1, NEEDS_WORK: 2, BLOCKED: 3}

# Steps are plain text in which commands sit between backticks; renderers show
# those as code. Values from the account therefore go in only as tokens that
# cannot end a code span or carry markup (SIDs, E.164 numbers, plain URLs), and
# free text (names, identities) loses its backticks and line breaks. A token
# never starts with a dash: no SID, number or URL does, and a pasted command
# must not read one as a flag. In a command every value is shell-quoted (flag()).
_TOKEN = re.compile(r"^(?!-)[A-Za-z0-9_.:+/@%=,~#-]{1,200}$")
_NAME_JUNK = re.compile(r"[^\w .:+#()-]+")
VALUE_CHARS = 120  # the most of a free-text value a step repeats


def tok(value: object, placeholder: str) -> str:
    """A value fit for a command: itself when it is a plain token, else the placeholder."""
    value = text(value)
    return value if _TOKEN.match(value) else placeholder


def flag(name: str, value: str) -> str:
    """`--name value` for a twilio-cli command to paste: the value shell-quoted, and joined with
    `=` when it starts with a dash, so that neither the shell nor the CLI's parser takes it for a flag."""
    quoted = shlex.quote(value)
    return f"{name}={quoted}" if value.startswith("-") else f"{name} {quoted}"


def cli_name(value: object) -> str:
    """A friendly name reduced to harmless characters for --friendly-name ("" to leave it out)."""
    return " ".join(_NAME_JUNK.sub(" ", text(value)).split())[:64]


def plan_addresses(inventory: Inventory, findings: list[Finding], context: Context | None = None) -> list[AddressPlan]:
    """One plan per Flex Flow, by flow sid. `context`: the indexes evaluate() built for this
    inventory (Evaluation.context), reused instead of built again."""
    ctx = _context(inventory, context)
    index: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        index.setdefault((f.resource_type, f.resource_sid), []).append(f)
    rules = {r.id: r for r in all_rules()}
    prerequisites = [rules[r] for r in account_blockers(findings)]
    # A gap in a family that no readiness rule reads (chat: 3xx hygiene only) hides nothing here.
    read_by_readiness = {family for r in rules.values() if r.readiness for family in r.families}
    gaps = [f for f in FAMILIES if f in read_by_readiness and not inventory.is_complete(f)]
    traffic = _Traffic(inventory)
    return [_Planner(ctx, flow, index, rules, prerequisites, gaps, traffic).plan() for flow in ctx.flows]


def account_prerequisites(inventory: Inventory, findings: list[Finding],
                          context: Context | None = None) -> list[AccountBlocker]:
    """The account-wide blockers among the findings, each with its fix spelled out for this account."""
    ctx = _context(inventory, context)
    out = []
    for rule_id in account_blockers(findings):
        rule = get_rule(rule_id)
        out.append(AccountBlocker(rule.id, rule.title, rule.prerequisite or rule.title,
                                  rule.blocker_fix.format_map(_FixValues(ctx))))
    return out


def _context(inventory: Inventory, context: Context | None) -> Context:
    return context if context is not None and context.inventory is inventory else Context(inventory)


class _Traffic:
    """The last inbound date of each address the scan read, and what to say when there is none."""

    def __init__(self, inventory: Inventory):
        self.by_address = {e.address: e.last_inbound_at for e in inventory.last_inbound or []}
        cov = inventory.coverage.get("messages") if isinstance(inventory.coverage, dict) else None
        if cov is not None and cov.complete and cov.note:
            self.unknown = f"not read ({prose(cov.note)})"
        elif cov is None or not cov.complete:
            self.unknown = "unknown (the scan could not read it, see the report's coverage)"
        else:
            self.unknown = ""  # read: an address without an entry or date received no message

    def of(self, address: str | None) -> str | None:
        return self.by_address.get(address) if address else None


def flex_conversation_service(inventory: Inventory) -> str:
    """The Conversations service new addresses go to: the account's default one, else the one
    service every existing Conversations address already uses, else "" (unknown)."""
    conv = inventory.conversations_configuration
    if conv and text(conv.default_chat_service_sid):
        return text(conv.default_chat_service_sid)
    used = {text((a.auto_creation or {}).get("conversation_service_sid"))
            for a in inventory.address_configurations if isinstance(a.auto_creation, dict)}
    used.discard("")
    return used.pop() if len(used) == 1 else ""


class _FixValues(dict):
    """The values a blocker's fix template may name, each computed when it is named.
    Without a planner (an account-wide blocker) only the account's values exist."""

    def __init__(self, ctx: Context, planner: "_Planner | None" = None):
        super().__init__()
        self.ctx = ctx
        self.planner = planner

    def __missing__(self, key: str) -> str:
        # account, flex_flow and studio_flow appear in commands: shell-quoted (a real SID is unchanged by it).
        if key == "account":
            return shlex.quote(tok(self.ctx.account_sid, "AC<account>"))
        if key == "ui_version":
            config = self.ctx.inventory.flex_configuration
            return (prose(config.ui_version, limit=VALUE_CHARS) if config else "") or "1.x"
        p = self.planner
        if p is None:
            raise KeyError(f"an account-wide blocker's fix names a value of one address {{{key}}}")
        if key == "flex_flow":
            return shlex.quote(p.fo_c)
        if key == "studio_flow":
            return shlex.quote(p.fw_c or "FW<flow>")
        if key == "studio_named":
            return f"it names {prose(p.fw, limit=VALUE_CHARS)}, which does not exist" if p.fw else "it names no Studio flow"
        if key == "task_workspace":
            return prose(integ_text(p.flow, "workspace_sid"), "the Flex workspace", limit=VALUE_CHARS)
        if key == "task_workflow":
            return prose(integ_text(p.flow, "workflow_sid"), "your workflow", limit=VALUE_CHARS)
        if key in ("send_to_flex_workflow", "send_to_flex_channel"):
            workflow, task_channel = p.send_to_flex_targets()
            return workflow if key == "send_to_flex_workflow" else task_channel
        raise KeyError(f"a blocker fix names an unknown value {{{key}}}")


class _Planner:
    def __init__(self, ctx: Context, flow: FlexFlow, index: dict, rules: dict[str, Rule],
                 prerequisites: list[Rule], gaps: list[str], traffic: _Traffic):
        self.ctx = ctx
        self.gaps = gaps
        self.flow = flow
        self.prerequisites = prerequisites
        self.fo = str(flow.sid)
        self.chan = channel(flow)
        self.itype = integration_type(flow)
        self.number: PhoneNumber | None = ctx.number_for_flow(flow)
        self.pn = str(self.number.sid) if self.number else None
        self.fw = integ_text(flow, "flow_sid") if self.itype == "studio" else ""
        # the same SIDs as they may appear in commands
        self.fo_c = tok(self.fo, "FO<flow>")
        self.pn_c = tok(self.pn, "PN<number>")
        self.fw_c = tok(self.fw, "FW<flow>") if self.fw else ""
        self.ac_c = tok(ctx.account_sid, "AC<account>")
        on_flow = index.get(("flex_flow", self.fo), [])
        related = (
            on_flow
            + (index.get(("phone_number", self.pn), []) if self.pn else [])
            + (index.get(("studio_flow", self.fw), []) if self.fw else [])
        )
        # An account-wide rule's finding names the account or its configuration, never an
        # address; the filter keeps it out even if one ever did.
        effect = {f.rule_id: rules[f.rule_id] for f in related
                  if f.rule_id in rules and not rules[f.rule_id].account_wide}
        blocking = {r for r, rule in effect.items() if rule.blocks_migration}
        self.blockers = sorted({f.rule_id for f in on_flow} & blocking)
        self.finding_ids = sorted({f.finding_id for f in related})
        self.other_work = sorted(r for r, rule in effect.items() if rule.readiness == WORK)
        self.inbound = flow.enabled is not False  # unknown counts as enabled: plan the full move
        self.sharing = ctx.flows_sharing(flow)
        # the traffic of its number, when the account has that number
        self.traffic = traffic
        self.address = message_address(self.chan, flow.contact_identity) if self.number else None
        self.last_inbound_at = traffic.of(self.address)

    # ------------------------------------------------------------ result

    def plan(self) -> AddressPlan:
        readiness = BLOCKED if self.blockers else NEEDS_WORK if self.other_work else READY
        return AddressPlan(
            flex_flow_sid=self.fo,
            friendly_name=text(self.flow.friendly_name),
            channel_type=self.chan or text(self.flow.channel_type),
            contact_identity=text(self.flow.contact_identity),
            integration_type=self.itype or text(self.flow.integration_type),
            readiness=readiness,
            blockers=list(self.blockers),
            steps=self.steps(),
            wave=WAVES[readiness],
            last_inbound_at=self.last_inbound_at,
            enabled=self.flow.enabled if isinstance(self.flow.enabled, bool) else None,
            phone_number_sid=self.pn,
            studio_flow_sid=self.fw or None,
            finding_ids=self.finding_ids,
        )

    def steps(self) -> list[str]:
        steps = [self.prerequisite_step()] if self.prerequisites else []
        steps += [self.blocker_step(r) for r in self.blockers]
        if self.gaps:
            steps.append(
                f"Verify by hand before relying on this plan: flexaudit could not read the {', '.join(self.gaps)} "
                "data (see the report's coverage), so problems of this address may be missing from it."
            )
        steps += self.prepare_steps()
        steps.append(self.drain_step())
        if self.inbound:
            steps.append(self.delete_step())
            steps += self.number_steps()
            steps += self.address_steps()
        else:
            # what still uses it for outbound moves first
            steps += [self.disabled_step(), self.delete_step()]
        steps.append(self.test_step())
        return steps

    def prerequisite_step(self) -> str:
        what = "; ".join(f"{r.prerequisite} ({r.id})" for r in self.prerequisites)
        return (f"Account prerequisite first: {what}, as the report's account prerequisites say; "
                "no address of the account can move before it.")

    # ------------------------------------------------------------ blockers

    def blocker_step(self, rule_id: str) -> str:
        return get_rule(rule_id).blocker_fix.format_map(_FixValues(self.ctx, self))

    def send_to_flex_targets(self) -> tuple[str, str]:
        """The workflow and task channel the legacy Send to Flex uses, to reuse on the new branch."""
        ctx = self.ctx
        studio = ctx.studio_by_sid.get(self.fw)
        for widget in ctx.studio_definition(studio).reachable_send_to_flex(INCOMING_MESSAGE) if studio else []:
            workflow, chan = widget.prop("workflow"), widget.prop("channel")
            if text(workflow) and text(chan) and not is_placeholder(workflow) and not is_placeholder(chan):
                return prose(workflow, limit=VALUE_CHARS), prose(chan, limit=VALUE_CHARS)
        config = ctx.inventory.flex_configuration
        target = text(config.taskrouter_target_workflow_sid) if config else ""
        return prose(target, "WW<Flex workflow>", limit=VALUE_CHARS), '"Programmable Chat" (TC...)'

    # ------------------------------------------------------------ preparation

    def prepare_steps(self) -> list[str]:
        steps = []
        if self.flow.long_lived is True:
            steps.append(
                f"Flex Flow {self.fo_c} is long-lived (FLX402), which Flex Conversations does not offer: decide how agents "
                "will see earlier interactions (history plugin, CRM) and export the channel history you must keep."
            )
        if self.itype == "external" and self.inbound:
            url = integ_text(self.flow, "url")
            steps.append(
                f"Move the endpoint of Flex Flow {self.fo_c} ({prose(safe_url(url), limit=VALUE_CHARS) if url else 'no URL set'}) to Flex "
                "Conversations (FLX404): receive Conversations `onMessageAdded` webhooks and create Interactions "
                "(`POST https://flex-api.twilio.com/v1/Interactions`) instead of Chat, Proxy and Task calls."
            )
        if self.itype == "studio" and self.fw and self.inbound and not set(self.blockers) & {"FLX201", "FLX405"}:
            steps.append(self.studio_review_step())
        return steps

    def studio_review_step(self) -> str:
        studio = self.ctx.studio_by_sid.get(self.fw)
        wired = studio is not None and self.ctx.studio_definition(studio).reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE)
        if not wired:
            return (
                f"Check in Studio that flow {self.fw_c}'s Incoming Conversation (`incomingConversationMessage`) reaches a "
                "Send to Flex widget and that the flow is published: flexaudit could not confirm it."
            )
        return (
            f"Keep Studio flow {self.fw_c}: its Incoming Conversation already reaches Send to Flex; review the widgets "
            "bound to `trigger.message.*` or the Chat service, which do not work on the Conversations branch."
        )

    def drain_step(self) -> str:
        raw_chat = text(self.flow.chat_service_sid) or self.ctx.flex_chat_sid
        service = self.ctx.chat_by_sid.get(raw_chat)
        chat_sid = tok(raw_chat, "IS<Flex chat service>")
        counts = service.channels.active_by_channel_type if service and service.channels else None
        active = counts.get(self.chan) if isinstance(counts, dict) and self.chan else None
        held = f" ({active} active {self.chan} channel(s) there now)" if isinstance(active, int) else ""
        sessions = ""
        if self.chan in NUMBER_CHANNELS:
            ks = self.proxy_label()
            sessions = (
                f" and close their sessions in Proxy service {ks} "
                f"(`twilio api:proxy:v1:services:sessions:update {flag('--service-sid', ks)} --sid KC... --status closed`)"
            )
        return (
            f"{self.traffic_check()}Drain or accept the open legacy conversations of Flex Flow {self.fo_c}: let agents finish, then set the remaining active channels in chat service {chat_sid}{held} INACTIVE "
            f"(`twilio api:chat:v2:services:channels:update {flag('--service-sid', chat_sid)} --sid CH... --attributes "
            f"'{{...,\"status\":\"INACTIVE\"}}'`){sessions}; what stays open is not migrated."
        )

    def traffic_check(self) -> str:
        """Rules.md: confirm the address has no production traffic (its last_inbound_at) before the move."""
        if not self.inbound or not self.address:
            return ""
        if self.last_inbound_at:
            seen = f"last inbound message at the scan: {tok(self.last_inbound_at, '?')}"
        elif self.traffic.unknown:
            seen = f"last inbound message {self.traffic.unknown}"
        else:
            seen = "no inbound message found at the scan"
        return (f"Confirm that {tok(self.address, 'the number')} has no production traffic at the moment of "
                f"the move ({seen}). ")

    def proxy_label(self) -> str:
        proxy = self.ctx.proxy
        if proxy.resolved:
            return tok(proxy.service.sid, "KS<Flex Proxy Service>")
        names = ", ".join(tok(s.sid, "?") for s in proxy.candidates)
        return f"KS<Flex Proxy Service: not identified{', candidates ' + names if names else ''}>"

    # ------------------------------------------------------------ address

    def conversation_service(self) -> str:
        return tok(flex_conversation_service(self.ctx.inventory), "IS<Flex Conversations service>")

    def auto_creation(self) -> tuple[list[str], list[str]]:
        """twilio-cli flags (each with its quoted value) and REST form fields of the address's auto-creation."""
        isid = self.conversation_service()
        cli = ["--auto-creation.enabled", flag("--auto-creation.conversation-service-sid", isid)]
        rest = ["AutoCreation.Enabled=true", f"AutoCreation.ConversationServiceSid={isid}"]
        if self.itype == "external":
            url = tok(safe_url(integ_text(self.flow, "url")), "https://<your endpoint>")
            cli += [flag("--auto-creation.type", "webhook"), flag("--auto-creation.webhook-url", url),
                    flag("--auto-creation.webhook-method", "POST"),
                    flag("--auto-creation.webhook-filters", "onMessageAdded")]
            rest += ["AutoCreation.Type=webhook", f"AutoCreation.WebhookUrl={quote(url, safe='')}",
                     "AutoCreation.WebhookMethod=POST", "AutoCreation.WebhookFilters=onMessageAdded"]
        else:
            fw = self.fw_c if self.fw and "FLX201" not in self.blockers else "FW<Studio flow chosen above>"
            cli += [flag("--auto-creation.type", "studio"), flag("--auto-creation.studio-flow-sid", fw)]
            rest += ["AutoCreation.Type=studio", f"AutoCreation.StudioFlowSid={fw}"]
        return cli, rest

    def address_steps(self) -> list[str]:
        if self.chan in NUMBER_CHANNELS or self.chan == "facebook":
            return [self.create_address_step()]
        if self.chan == "web":
            target = f"Studio flow {self.fw_c}" if self.fw else "its Studio flow or webhook"
            return [
                f"Move the website behind Flex Flow {self.fo_c} to Webchat 3.x (FLX408): create a Conversations chat address "
                f"(Console > Flex > Messaging > Conversations Addresses > Create > Chat) with {target}, and replace the "
                "Webchat 2.x snippet with Webchat 3.x using that address's deployment key."
            ]
        if self.chan == "line":
            return [
                f"LINE (Flex Flow {self.fo_c}) has no Conversations address type: rebuild it as a custom integration that "
                "creates Conversations (`POST https://conversations.twilio.com/v1/Conversations`) and Interactions "
                "(`POST https://flex-api.twilio.com/v1/Interactions`), or retire it."
            ]
        if self.chan == "custom":
            return [
                f"Custom channel (Flex Flow {self.fo_c}, identity {prose(self.flow.contact_identity, 'none', limit=VALUE_CHARS)}) has no "
                "Conversations address: change your integration to create the conversation "
                "(`POST https://conversations.twilio.com/v1/Conversations`) and the task "
                "(`POST https://flex-api.twilio.com/v1/Interactions`) instead of calling the Flex Channel API with this flow."
            ]
        return [
            f"Channel type {prose(self.flow.channel_type, '(none)', limit=VALUE_CHARS)!r} of Flex Flow {self.fo_c} has no known Conversations "
            "equivalent: decide its target (address, custom integration, retire) manually."
        ]

    def address_identity(self) -> tuple[str, str]:
        identity = text(self.flow.contact_identity)
        if self.chan == "sms":
            return "sms", tok(normalize_number(identity), "+1<number>")
        if self.chan == "whatsapp":
            return "whatsapp", tok(whatsapp_address(identity), "whatsapp:+1<number>")
        return "messenger", tok(identity, "messenger:<page id>")

    def create_address_step(self) -> str:
        atype, address = self.address_identity()
        existing = self.ctx.addresses_by_identity.get((atype, normalize_number(address) or ""), [])
        if existing:
            ig = tok(existing[0].sid, "IG<address>")
            return (
                f"Conversations address {ig} already exists for {address} (FLX406): check its auto-creation "
                f"(`twilio api:conversations:v1:configuration:addresses:fetch {flag('--sid', ig)}`) and fix it with "
                f"`twilio api:conversations:v1:configuration:addresses:update {flag('--sid', ig)} ...` instead of "
                "creating another."
            )
        cli, rest = self.auto_creation()
        name = cli_name(self.flow.friendly_name)
        cli_args = [flag("--type", atype), flag("--address", address)] + (
            [flag("--friendly-name", name)] if name else []) + cli
        command = "twilio api:conversations:v1:configuration:addresses:create " + " ".join(cli_args)
        form = "&".join([f"Type={atype}", f"Address={quote(address, safe='')}"] + rest)
        note = " (the Facebook Page must be connected as a Messenger sender)" if atype == "messenger" else ""
        alternative = (
            "; if you chose a webhook instead, use `--auto-creation.type webhook --auto-creation.webhook-url "
            "'https://<your endpoint>' --auto-creation.webhook-filters onMessageAdded`"
            if self.itype not in ("studio", "external")
            else ""
        )
        return (
            f"Create the Conversations address for {address}{note}: `{command}` "
            f"(REST: `POST https://conversations.twilio.com/v1/Configuration/Addresses` with `{form}`){alternative}."
        )

    # ------------------------------------------------------------ number

    def shared_note(self) -> str:
        others = [tok(f.sid, "?") for f in self.sharing if f.enabled is not False]
        return f" Flex Flow {', '.join(others)} also uses this number: do this once it has moved too." if others else ""

    def number_steps(self) -> list[str]:
        if self.chan not in NUMBER_CHANNELS:
            return []
        if self.number is None:
            return [
                f"No IncomingPhoneNumber of the account matches {prose(self.flow.contact_identity, 'the empty identity', limit=VALUE_CHARS)} "
                f"(FLX104): check the sender before creating the address; there is no number to unwire."
            ]
        steps = []
        pn = self.pn_c
        note = self.shared_note()
        for service in self.ctx.proxy_pools_of(self.number):
            ks = tok(service.sid, "KS<service>")
            label = " (the Flex Proxy Service)" if self.ctx.proxy.service is service else ""
            steps.append(
                f"Remove {pn} from Proxy service {ks}{label}: `twilio api:proxy:v1:services:phone-numbers:remove "
                f"{flag('--service-sid', ks)} {flag('--sid', pn)}` (REST: `DELETE https://proxy.twilio.com/v1/Services/{ks}/PhoneNumbers/{pn}`).{note}"
            )
        for service in self.ctx.messaging_services_of(self.number):
            mg = tok(service.sid, "MG<service>")
            steps.append(
                f"Remove {pn} from Messaging Service {mg}: `twilio api:messaging:v1:services:phone-numbers:remove "
                f"{flag('--service-sid', mg)} {flag('--sid', pn)}` (if A2P 10DLC needs it there, use the advanced Messaging Service "
                f"setup instead).{note}"
            )
        steps.append(self.webhook_step(note))
        return steps

    def webhook_step(self, note: str) -> str:
        pn, number = self.pn_c, self.number
        flags = '--sms-url ""' + (' --sms-application-sid ""' if text(number.sms_application_sid) else "")
        now = prose(self.ctx.describe_handler(number.sms_url), limit=VALUE_CHARS)
        whatsapp = (
            f" Also clear the WhatsApp sender's \"A message comes in\" webhook for {prose(whatsapp_address(number.phone_number), 'the sender', limit=VALUE_CHARS)} "
            "(Console > Messaging > Senders > WhatsApp senders)."
            if self.chan == "whatsapp"
            else ""
        )
        return (
            f"Clear the inbound webhook of {pn} (now {now}): `twilio api:core:incoming-phone-numbers:update {flag('--sid', pn)} {flags}` "
            f"(REST: `POST https://api.twilio.com/2010-04-01/Accounts/{self.ac_c}/IncomingPhoneNumbers/{pn}.json` "
            f"with `SmsUrl=`).{whatsapp}{note}"
        )

    # ------------------------------------------------------------ end

    def disabled_step(self) -> str:
        enabled_peers = [tok(f.sid, "?") for f in self.sharing if f.enabled is True]
        peers = f" Inbound on this number is migrated with Flex Flow {', '.join(enabled_peers)}." if enabled_peers else ""
        return (
            f"Flex Flow {self.fo_c} is disabled and routes no inbound messages: if a Function or plugin uses it for "
            "agent-initiated outbound, move that to outbound Interactions (`POST https://flex-api.twilio.com/v1/Interactions` "
            f"with `Channel.initiated_by=agent`); no Conversations address is needed for it.{peers}"
        )

    def delete_step(self) -> str:
        return (
            f"Delete the legacy address: `twilio api:flex:v1:flex-flows:remove {flag('--sid', self.fo_c)}` "
            f"(REST: `DELETE https://flex-api.twilio.com/v1/FlexFlows/{self.fo_c}`)."
        )

    def test_step(self) -> str:
        if not self.inbound:
            return (
                "Test: start an agent-initiated outbound message from Flex UI 2.x and check it no longer creates a "
                f"Programmable Chat channel for {self.fo_c}."
            )
        svc = self.conversation_service()
        check = (
            f"; a task must reach an agent in Flex UI 2.x and the conversation must appear in "
            f"`twilio api:conversations:v1:conversations:list` (service {svc})."
        )
        atype, address = self.address_identity() if self.chan in NUMBER_CHANNELS + ("facebook",) else ("", "")
        if self.chan == "sms":
            return f"Test: send an SMS to {address} from a handset{check}"
        if self.chan == "whatsapp":
            return f"Test: send a WhatsApp message to {address}{check}"
        if self.chan == "facebook":
            return f"Test: send a Messenger message to the Page ({address}){check}"
        if self.chan == "web":
            return f"Test: start a chat from the website's Webchat 3.x{check}"
        return f"Test: send a message through the new integration{check}"

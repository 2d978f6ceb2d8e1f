"""4xx: Flex Conversations migration readiness."""

from __future__ import annotations

import re

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
from flexaudit.rules.registry import Hit, on_address, on_flow, on_number, rule
from flexaudit.rules.studio import flows_with_studio, studio_label, unreachable_reason
from flexaudit.analysis.studio_graph import INCOMING_CONVERSATION_MESSAGE

_MAJOR = re.compile(r"\d+")


def ui_major(version: object) -> int | None:
    """Major version of a Flex UI version string ("1.34.6", "~1.19.n", "v2"), semver-coerce style."""
    m = _MAJOR.search(text(version))
    return int(m.group()) if m else None


@rule("FLX401", families=("flex_configuration",))
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


@rule("FLX402", families=("flex_flows",))
def flx402(ctx: Context):
    for f in ctx.flows:
        if f.long_lived is True:
            yield on_flow(f, f"Flex Flow {f.sid} is long-lived: Flex Conversations has no equivalent out of the box.")


@rule("FLX403", families=("flex_flows",))
def flx403(ctx: Context):
    for f in ctx.flows:
        if integration_type(f) == "task":
            extra = " It is disabled: if it serves agent-initiated outbound, that moves to outbound Interactions." if f.enabled is False else ""
            yield on_flow(
                f,
                f"Flex Flow {f.sid} uses the task integration, which Conversations addresses do not support: "
                f"move it to Studio or to a webhook + Interactions API.{extra}",
            )


@rule("FLX404", families=("flex_flows",))
def flx404(ctx: Context):
    for f in ctx.flows:
        if integration_type(f) == "external":
            url = integ_text(f, "url")
            where = f" ({safe_url(url)})" if url else ""
            yield on_flow(
                f,
                f"External Flex Flow {f.sid}: its endpoint{where} must move from Chat/Proxy/Task calls to Conversations and Interactions.",
            )


@rule("FLX405", families=("flex_flows", "studio"))
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


@rule("FLX406", families=("phone_numbers", "flex_flows", "conversations"))
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


@rule("FLX407", families=("conversations", "phone_numbers", "messaging"))
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
            yield on_address(a, f"Conversations address {a.sid} ({text(a.type).lower()} {text(a.address)}): {'; '.join(problems)}.")


@rule("FLX408", families=("flex_flows",))
def flx408(ctx: Context):
    for f in ctx.enabled_flows:
        if channel(f) == "web":
            yield on_flow(f, f"Web Flex Flow {f.sid}: the website must move to Webchat 3.x with a Conversations chat address.")


# Only when the configuration was read: when it could not be, the engine skips FLX409 and
# coverage and FLX901 say so (rules.md).
@rule("FLX409", families=("conversations",))
def flx409(ctx: Context):
    inv = ctx.inventory
    name = text(inv.account.friendly_name) if inv.account else ""
    if inv.conversations_configuration is None:
        message = "The account has no Conversations configuration: Flex Conversations is not set up."
    elif not text(inv.conversations_configuration.default_chat_service_sid):
        message = "The Conversations configuration has no default_chat_service_sid."
    else:
        return
    yield Hit(ctx.account_sid, name or "account", message + " The Flex Conversations prerequisites look undone.")

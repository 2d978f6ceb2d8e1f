"""2xx: Studio, the flow behind an enabled `studio` integration (and, for FLX204, FLX205 and
FLX207, the Studio flow of a Conversations address)."""

from __future__ import annotations

from flexaudit.model.inventory import AddressConfiguration, FlexFlow, StudioFlow
from flexaudit.analysis.index import Context, integ_text, integration_type, sids, text
from flexaudit.analysis.studio_graph import (
    INCOMING_CONVERSATION_MESSAGE,
    INCOMING_MESSAGE,
    StudioDefinition,
    Widget,
    chat_trigger_variables,
    is_placeholder,
)
from flexaudit.rules.registry import on_flow, on_resource, rule

DEPS = ("flex_flows", "studio")
# The rules on every Studio flow something routes messages to: a Flex Flow or a Conversations address.
ROUTED_DEPS = DEPS + ("conversations",)
MAX_LISTED = 5

# FLX207: a Programmable Chat trigger variable's Conversations counterpart (rules.md); None: there is none
CONVERSATION_COUNTERPARTS = {
    "Body": "trigger.conversation.Body",
    "From": "trigger.conversation.Author",
    "ChannelSid": "trigger.conversation.ConversationSid",
    "InstanceSid": "trigger.conversation.ChatServiceSid",
    "ChannelAttributes": None,
}


def studio_flex_flows(ctx: Context) -> list[FlexFlow]:
    return [f for f in ctx.enabled_flows if integration_type(f) == "studio"]


def studio_of(ctx: Context, flow: FlexFlow) -> StudioFlow | None:
    return ctx.studio_by_sid.get(integ_text(flow, "flow_sid"))


def flows_with_studio(ctx: Context):
    """(Flex Flow, its Studio flow, the parsed definition) for every enabled studio
    Flex Flow whose Studio flow exists (a missing one is FLX201's business)."""
    for flow in studio_flex_flows(ctx):
        studio = studio_of(ctx, flow)
        if studio is not None:
            yield flow, studio, ctx.studio_definition(studio)


def studio_label(studio: StudioFlow) -> str:
    name = text(studio.friendly_name)
    return f"{studio.sid} ({name})" if name else str(studio.sid)


def used_studio_flows(ctx: Context):
    """(Studio flow, the enabled Flex Flows using it), by Studio flow sid."""
    for sid in sorted(ctx.studio_users):
        yield ctx.studio_by_sid[sid], ctx.studio_users[sid]


def routed_studio_flows(ctx: Context):
    """(Studio flow, the enabled Flex Flows using it, the Conversations addresses whose Studio flow it
    is), by Studio flow sid: every Studio flow that inbound messages reach."""
    for sid in sorted(set(ctx.studio_users) | set(ctx.address_studio_users)):
        yield ctx.studio_by_sid[sid], ctx.studio_users.get(sid, []), ctx.address_studio_users.get(sid, [])


def users(flows: list[FlexFlow], addresses: list[AddressConfiguration]) -> str:
    """`used by Flex Flow FO…; Conversations address IG…`."""
    parts = [f"Flex Flow {sids(flows)}"] if flows else []
    parts += [f"Conversations address {sids(addresses)}"] if addresses else []
    return "used by " + "; ".join(parts)


def listed(items: list[str]) -> str:
    shown = "; ".join(items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return shown + (f"; and {more} more" if more > 0 else "")


@rule("FLX201", families=DEPS)
def flx201(ctx: Context):
    for f in studio_flex_flows(ctx):
        fw = integ_text(f, "flow_sid")
        if fw in ctx.studio_by_sid:
            continue
        what = f"names Studio flow {fw!r}, which is not a Studio flow of the account" if fw else "has no integration flow_sid"
        yield on_flow(f, f"Studio Flex Flow {f.sid} {what}: no message is handled.")


@rule("FLX202", families=DEPS)
def flx202(ctx: Context):
    for f, studio, graph in flows_with_studio(ctx):
        if graph.usable and not graph.send_to_flex:
            yield on_flow(
                f,
                f"Studio flow {studio_label(studio)} behind Flex Flow {f.sid} has no Send to Flex widget: no task is ever created.",
            )


def unreachable_reason(graph: StudioDefinition, event: str) -> str:
    reached = graph.reachable_from(event)
    names = ", ".join(sorted(repr(w.name) for w in graph.send_to_flex))
    if not reached:
        return f"the trigger's {event} transition is absent or not connected (Send to Flex widgets: {names})"
    return f"{len(reached)} widget(s) reachable from the trigger's {event}, none of them Send to Flex (Send to Flex widgets: {names})"


@rule("FLX203", families=DEPS)
def flx203(ctx: Context):
    for f, studio, graph in flows_with_studio(ctx):
        if graph.send_to_flex and not graph.reachable_send_to_flex(INCOMING_MESSAGE):
            yield on_flow(
                f,
                f"Studio flow {studio_label(studio)} behind Flex Flow {f.sid}: {unreachable_reason(graph, INCOMING_MESSAGE)}.",
            )


@rule("FLX204", families=ROUTED_DEPS)
def flx204(ctx: Context):
    for studio, flows, addresses in routed_studio_flows(ctx):
        if text(studio.status).lower() == "draft":
            yield on_resource(
                studio,
                f"Studio flow {studio_label(studio)} ({users(flows, addresses)}) is a draft"
                f"{f' at revision {studio.revision}' if isinstance(studio.revision, int) else ''}: "
                "the published revision may differ from what was audited.",
            )


def _studio_errors(studio: StudioFlow) -> list[str]:
    out = []
    if studio.valid is False:
        out.append("Studio reports it invalid (valid: false)")
    errors = studio.errors
    if isinstance(errors, list) and errors:
        first = errors[0]
        detail = text(first.get("message")) if isinstance(first, dict) else text(first)
        out.append(f"Studio reports {len(errors)} error(s)" + (f", first: {detail[:120]}" if detail else ""))
    return out


@rule("FLX205", families=ROUTED_DEPS)
def flx205(ctx: Context):
    for studio, flows, addresses in routed_studio_flows(ctx):
        problems = _studio_errors(studio) + ctx.studio_definition(studio).problems
        if problems:
            yield on_resource(
                studio,
                f"Studio flow {studio_label(studio)} ({users(flows, addresses)}): {listed(problems)}.",
            )


def send_to_flex_problems(ctx: Context, widget: Widget) -> list[str]:
    ws, workspace = ctx.flex_workspace_sid, ctx.flex_workspace
    targets = (  # (property, what it names, whether the Flex workspace has it, where it should be)
        ("workflow", "workflow", ctx.workflow_in, f"a workflow of the Flex workspace {ws}"),
        ("channel", "task channel", ctx.task_channel_in, f"a task channel of {ws}"),
    )
    out = []
    for prop, what, exists, where in targets:
        raw = widget.prop(prop)
        if is_placeholder(raw):
            continue
        value = text(raw)
        if not value:
            out.append(f"Send to Flex {widget.name!r} has no {what}")
        elif not exists(workspace, value):
            out.append(f"Send to Flex {widget.name!r} names {what} {value!r}, not {where}")
    return out


@rule("FLX206", families=DEPS + ("flex_configuration", "taskrouter"))
def flx206(ctx: Context):
    if not ctx.flex_workspace_sid:
        return
    missing = "" if ctx.flex_workspace else f" (the Flex workspace {ctx.flex_workspace_sid} was not found)"
    for studio, flows in used_studio_flows(ctx):
        graph = ctx.studio_definition(studio)
        problems = [p for w in graph.reachable_send_to_flex(INCOMING_MESSAGE) for p in send_to_flex_problems(ctx, w)]
        if problems:
            yield on_resource(
                studio,
                f"Studio flow {studio_label(studio)} (used by Flex Flow {sids(flows)}): {listed(problems)}{missing}.",
            )


def _chat_variable_fix(variable: str) -> str:
    counterpart = CONVERSATION_COUNTERPARTS.get(variable.rsplit(".", 1)[-1])
    return f"{variable} (use {counterpart})" if counterpart else f"{variable} (no trigger.conversation counterpart)"


@rule("FLX207", families=ROUTED_DEPS)
def flx207(ctx: Context):
    for studio, flows, addresses in routed_studio_flows(ctx):
        graph = ctx.studio_definition(studio)
        reached = graph.reachable_from(INCOMING_CONVERSATION_MESSAGE)
        reads = []
        for widget in graph.widgets:  # in the definition's order
            if widget.name in reached:
                variables = chat_trigger_variables(widget)
                if variables:
                    reads.append(f"widget {widget.name!r} reads {', '.join(_chat_variable_fix(v) for v in variables)}")
        if reads:
            yield on_resource(
                studio,
                f"Studio flow {studio_label(studio)} ({users(flows, addresses)}): on the Incoming Conversation "
                f"path, {listed(reads)}; Conversations executions have no trigger.message, so these are empty.",
            )

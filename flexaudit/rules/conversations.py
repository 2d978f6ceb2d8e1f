"""5xx: Flex Conversations health, the addresses already migrated.

A finding here means customers' messages on that address do not reach agents
now. One finding per Conversations address configuration (IG…), except FLX508
(per chat service: the Flex conversation service).
"""

from __future__ import annotations

from datetime import date, timedelta

from flexaudit.analysis.index import (
    NUMBER_CHANNELS,
    Context,
    address_label,
    address_studio_flow,
    address_type,
    auto_creation,
    auto_text,
    display_name,
    safe_url,
    text,
)
from flexaudit.analysis.phone import normalize_number
from flexaudit.analysis.studio_graph import INCOMING_CONVERSATION_MESSAGE
from flexaudit.rules.registry import Hit, on_address, rule
from flexaudit.rules.studio import listed, send_to_flex_problems, studio_label, unreachable_reason

STALE_CONVERSATION_DAYS = 30
WEBHOOK_EVENT = "onMessageAdded"


def studio_addresses(ctx: Context):
    """(address, its Studio flow, the parsed definition) for every address whose Studio flow exists."""
    for a in ctx.addresses:
        studio = ctx.studio_by_sid.get(address_studio_flow(a))
        if studio is not None:
            yield a, studio, ctx.studio_definition(studio)


@rule("FLX501", families=("conversations",))
def flx501(ctx: Context):
    for a in ctx.addresses:
        auto = a.auto_creation
        if not isinstance(auto, dict):
            why = "has no auto_creation"
        elif auto.get("enabled") is not True:
            why = "has auto_creation.enabled false" if auto.get("enabled") is False else "does not enable auto_creation"
        else:
            continue
        yield on_address(a, f"Conversations address {address_label(a)} {why}: inbound messages create no conversation.")


@rule("FLX502", families=("conversations", "studio"))
def flx502(ctx: Context):
    for a in ctx.addresses:
        if auto_text(a, "type").lower() != "studio":
            continue
        fw = auto_text(a, "studio_flow_sid")
        if fw in ctx.studio_by_sid:
            continue
        what = f"names Studio flow {fw!r}, which is not a Studio flow of the account" if fw else "names no studio_flow_sid"
        yield on_address(a, f"Studio Conversations address {address_label(a)} {what}: no conversation it creates is handled.")


@rule("FLX503", families=("conversations", "studio"))
def flx503(ctx: Context):
    for a, studio, graph in studio_addresses(ctx):
        if not graph.usable or graph.reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE):
            continue
        reason = (unreachable_reason(graph, INCOMING_CONVERSATION_MESSAGE) if graph.send_to_flex
                  else "it has no Send to Flex widget at all")
        yield on_address(a, f"Studio flow {studio_label(studio)} of Conversations address {address_label(a)}: {reason}.")


@rule("FLX504", families=("conversations", "studio", "flex_configuration", "taskrouter"))
def flx504(ctx: Context):
    if not ctx.flex_workspace_sid:
        return
    missing = "" if ctx.flex_workspace else f" (the Flex workspace {ctx.flex_workspace_sid} was not found)"
    for a, studio, graph in studio_addresses(ctx):
        problems = [p for w in graph.reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE)
                    for p in send_to_flex_problems(ctx, w)]
        if problems:
            yield on_address(a, f"Studio flow {studio_label(studio)} of Conversations address {address_label(a)}: "
                                f"{listed(problems)}{missing}.")


@rule("FLX505", families=("conversations", "conversation_services"))
def flx505(ctx: Context):
    for a in ctx.addresses:
        service = auto_text(a, "conversation_service_sid")
        if service and service not in ctx.conversation_services_by_sid:
            yield on_address(a, f"Conversations address {address_label(a)} creates its conversations in service "
                                f"{service!r}, which is not a Conversations service of the account: none can be created.")


@rule("FLX506", families=("conversations", "phone_numbers"))
def flx506(ctx: Context):
    for a in ctx.addresses:
        if address_type(a) in NUMBER_CHANNELS and not ctx.numbers_for(a.address):
            norm = normalize_number(a.address)
            yield on_address(a, f"Conversations address {address_label(a)}: {norm or 'its empty address'} is no phone "
                                "number of the account (released, ported, or a typo).")


def _filters(value: object) -> list[str]:
    if isinstance(value, str):
        return [p.strip() for p in value.split(",")]
    return [text(v) for v in value] if isinstance(value, list) else []


@rule("FLX507", families=("conversations",))
def flx507(ctx: Context):
    for a in ctx.addresses:
        if auto_text(a, "type").lower() != "webhook":
            continue
        url = auto_text(a, "webhook_url")
        problems = []
        if not url:
            problems.append("it has no webhook_url")
        elif not url.lower().startswith("https://"):
            problems.append(f"its webhook_url {safe_url(url)} is not https")
        filters = _filters(auto_creation(a).get("webhook_filters"))
        if WEBHOOK_EVENT not in filters:
            shown = ", ".join(f for f in filters if f) or "none"
            problems.append(f"its webhook_filters ({shown}) lack {WEBHOOK_EVENT}")
        if problems:
            yield on_address(a, f"Webhook Conversations address {address_label(a)}: {'; '.join(problems)}: "
                                "the backend never hears new messages.")


def stale_conversations(by_day: dict | None, as_of: date) -> tuple[int, date | None]:
    """(count, oldest day) of active conversations last updated more than 30 days before as_of."""
    cutoff = as_of - timedelta(days=STALE_CONVERSATION_DAYS)
    count, oldest = 0, None
    for day, n in (by_day or {}).items():
        try:
            moment = date.fromisoformat(day)
        except (TypeError, ValueError):
            continue
        if moment < cutoff and isinstance(n, int) and n > 0:
            count += n
            oldest = moment if oldest is None or moment < oldest else oldest
    return count, oldest


@rule("FLX508", families=("active_conversations",))
def flx508(ctx: Context):
    summary = ctx.inventory.active_conversations
    if summary is None or not text(summary.service_sid):
        return
    count, oldest = stale_conversations(summary.active_by_update_day, ctx.as_of)
    if count:
        sid = text(summary.service_sid)
        service = ctx.conversation_services_by_sid.get(sid)
        yield Hit(
            sid,
            display_name(service) if service else sid,
            f"Flex conversation service {sid} holds {count} active conversation(s) of {summary.active} not updated for "
            f"more than {STALE_CONVERSATION_DAYS} days before {ctx.as_of.isoformat()}; the oldest was last updated "
            f"on {oldest.isoformat()}.",
        )

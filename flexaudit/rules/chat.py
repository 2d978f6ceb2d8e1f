"""3xx: Programmable Chat end of life and legacy hygiene."""

from __future__ import annotations

from datetime import date

from flexaudit.model.findings import Severity
from flexaudit.model.lifecycle import PROGRAMMABLE_CHAT_EOL, days_until
from flexaudit.analysis.index import NUMBER_CHANNELS, Context, channel, sids, text
from flexaudit.rules.registry import Hit, on_flow, on_resource, rule

CHAT = ("chat",)
HIGH_WINDOW_DAYS = 180
STALE_SESSION_DAYS = 30
INACTIVE_CHANNEL_LIMIT = 1000
CHAT_DOCS = "https://www.twilio.com/docs/flex/admin-guide/core-concepts/chat-and-messaging"


def eol_severity(as_of: date) -> Severity:
    """FLX301: medium more than 180 days before the EOL, high within 180 days, critical on/after it."""
    left = days_until(PROGRAMMABLE_CHAT_EOL, as_of)
    if left <= 0:
        return Severity.CRITICAL
    if left <= HIGH_WINDOW_DAYS:
        return Severity.HIGH
    return Severity.MEDIUM


def eol_phrase(as_of: date) -> str:
    left = days_until(PROGRAMMABLE_CHAT_EOL, as_of)
    eol = PROGRAMMABLE_CHAT_EOL.isoformat()
    if left > 0:
        return f"{left} day{'s' if left != 1 else ''} left before Programmable Chat for Flex reaches end of life on {eol}"
    if left == 0:
        return f"Programmable Chat for Flex reaches end of life today ({eol})"
    return f"{-left} day{'s' if left != -1 else ''} overdue: Programmable Chat for Flex reached end of life on {eol}"


@rule(
    id="FLX301",
    severity=Severity.MEDIUM,
    severity_note="by date: medium more than 180 days before 2026-06-01, high within 180 days, critical on or after it",
    title="Flex Flow runs on Programmable Chat (end of life for Flex: 2026-06-01)",
    rationale="""Every Flex Flow (legacy address) creates Programmable Chat channels and Proxy
    sessions; Programmable Chat for Flex reaches end of life on 2026-06-01, after which legacy
    messaging is unsupported and may stop working.""",
    remediation="""Migrate the address to Flex Conversations (see the address plan): create a
    Conversations address for it and delete the Flex Flow.""",
    docs_url="https://www.twilio.com/docs/flex/developer/conversations/programmable-chat-to-flex-conversations",
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow, enabled or not",
    tags=CHAT + ("eol",),
)
def flx301(ctx: Context):
    severity = eol_severity(ctx.as_of)
    phrase = eol_phrase(ctx.as_of)
    for f in ctx.flows:
        state = "enabled" if f.enabled is True else "disabled" if f.enabled is False else "enabled state unknown"
        yield on_flow(f, f"Flex Flow {f.sid} ({channel(f) or 'unknown channel'}, {state}) runs on Programmable Chat: {phrase}.", severity)


def _counts(counts: object) -> dict[str, int]:
    if not isinstance(counts, dict):
        return {}
    return {str(k): v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool) and v > 0}


def _breakdown(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none"


@rule(
    id="FLX302",
    severity=Severity.MEDIUM,
    title="Flex chat service holds active channels",
    rationale="""Active Programmable Chat channels (attributes status other than INACTIVE) are live or
    stale legacy conversations; they do not move to Flex Conversations, and a stale one swallows the
    customer's next message. They must be closed, or accepted as lost, before migration.""",
    remediation="""Close finished conversations (set the channel attributes' status to INACTIVE and
    close its Proxy session, e.g. with the Channel Janitor or a script over `twilio
    api:chat:v2:services:channels:list --service-sid IS...`), and drain live ones before the
    cut-over.""",
    docs_url=CHAT_DOCS,
    families=("chat", "flex_configuration"),
    resource_type="chat_service",
    scope="per chat service (the Flex chat service)",
    tags=CHAT + ("migration",),
)
def flx302(ctx: Context):
    service = ctx.chat_by_sid.get(ctx.flex_chat_sid)
    if service is None or service.channels is None:
        return
    summary = service.channels
    by_type = _counts(summary.active_by_type)
    active = sum(by_type.values())
    unparsable = summary.unparsable_attributes if isinstance(summary.unparsable_attributes, int) else 0
    if active <= 0 and unparsable <= 0:
        return
    detail = f"by channel type: {_breakdown(_counts(summary.active_by_channel_type))}; public/private: {_breakdown(by_type)}"
    if unparsable > 0:
        detail += f"; {unparsable} with attributes that are not a JSON object, counted as active"
    yield on_resource(service, f"Flex chat service {service.sid} holds {max(active, unparsable)} active channel(s) ({detail}): "
        "close them or accept them as lost before migrating.",
    )


@rule(
    id="FLX303",
    severity=Severity.LOW,
    title="Chat service of a long-lived Flex Flow retains many inactive channels",
    rationale="""Long-lived flows keep one channel per customer forever; a service retaining more than
    1,000 inactive channels holds customer history that will not migrate and slows every channel
    listing and cleanup job.""",
    remediation="""Export what must be kept, then delete old inactive channels (`twilio
    api:chat:v2:services:channels:remove --service-sid IS... --sid CH...`, or the
    clear-long-lived-channels tool).""",
    docs_url=CHAT_DOCS,
    families=("chat", "flex_flows"),
    resource_type="chat_service",
    scope="per chat service",
    tags=CHAT + ("hygiene", "long-lived"),
)
def flx303(ctx: Context):
    by_service: dict[str, list] = {}
    for f in ctx.flows:
        if f.long_lived is True and text(f.chat_service_sid):
            by_service.setdefault(text(f.chat_service_sid), []).append(f)
    for sid in sorted(by_service):
        service = ctx.chat_by_sid.get(sid)
        if service is None or service.channels is None:
            continue
        inactive = sum(_counts(service.channels.inactive_by_type).values())
        if inactive > INACTIVE_CHANNEL_LIMIT:
            yield Hit(
                sid,
                text(service.friendly_name) or sid,
                f"Chat service {sid} retains {inactive} inactive channels (more than {INACTIVE_CHANNEL_LIMIT:,}) "
                f"and is used by long-lived Flex Flow {sids(by_service[sid])}.",
            )


@rule(
    id="FLX304",
    severity=Severity.LOW,
    title="Channel Janitor is off on an sms/whatsapp Flex Flow",
    rationale="""With janitor_enabled false, Proxy sessions and chat channels outlive tasks that are
    cancelled or deleted outside Flex UI; the customer's next message then lands in the stale
    channel and no new task is created.""",
    remediation="""Enable the janitor: `twilio api:flex:v1:flex-flows:update --sid FO...
    --janitor-enabled` (check first that no chat-transfer plugin relies on channels outliving their
    task).""",
    docs_url="https://www.twilio.com/docs/flex/developer/messaging/flow",
    families=("flex_flows",),
    resource_type="flex_flow",
    scope="per Flex Flow",
    tags=CHAT + ("hygiene",),
)
def flx304(ctx: Context):
    for f in ctx.enabled_flows:
        if channel(f) in NUMBER_CHANNELS and f.janitor_enabled is False:
            yield on_flow(f, f"{channel(f)} Flex Flow {f.sid} has janitor_enabled false: sessions and channels outlive deleted tasks.",
            )


def stale_sessions(open_by_day: object, as_of: date) -> tuple[int, date | None]:
    """Open/in-progress sessions whose last activity day is more than 30 days before as_of."""
    count, oldest = 0, None
    if not isinstance(open_by_day, dict):
        return 0, None
    for key, value in open_by_day.items():
        day = _day(key)
        if day is None or not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            continue
        if (as_of - day).days > STALE_SESSION_DAYS:
            count += value
            oldest = day if oldest is None or day < oldest else oldest
    return count, oldest


def _day(key: object) -> date | None:
    try:
        return date.fromisoformat(str(key)[:10])
    except ValueError:
        return None


@rule(
    id="FLX305",
    severity=Severity.MEDIUM,
    title="Flex Proxy Service holds stale open sessions",
    rationale="""Open or in-progress Proxy sessions with no activity for more than 30 days are left
    over from conversations that ended outside Flex: they pin customers to old channels (messages
    vanish, error 80206/80208 on outbound) and will not migrate.""",
    remediation="""Close stale sessions (`twilio api:proxy:v1:services:sessions:update --service-sid
    KS... --sid KC... --status closed`) and set their chat channels INACTIVE; enable the Channel
    Janitor on the flows.""",
    docs_url="https://www.twilio.com/docs/api/errors/80208",
    families=("proxy", "flex_configuration"),
    resource_type="proxy_service",
    scope="per Proxy service (the Flex Proxy Service)",
    tags=CHAT + ("proxy", "hygiene"),
)
def flx305(ctx: Context):
    for service in ctx.proxy.services:
        summary = service.sessions
        count, oldest = stale_sessions(summary.open_by_last_activity_day if summary else None, ctx.as_of)
        if count:
            yield Hit(
                str(service.sid),
                text(service.unique_name) or str(service.sid),
                f"Proxy service {service.sid} holds {count} open or in-progress session(s) with no activity for more "
                f"than {STALE_SESSION_DAYS} days before {ctx.as_of.isoformat()}; the oldest last activity was on "
                f"{oldest.isoformat()}.{ctx.proxy.note}",
            )

"""3xx: Programmable Chat end of life and legacy hygiene."""

from __future__ import annotations

from datetime import date

from flexaudit.model.findings import Severity
from flexaudit.model.lifecycle import PROGRAMMABLE_CHAT_EOL, days_until
from flexaudit.analysis.index import NUMBER_CHANNELS, Context, channel, sids, text
from flexaudit.rules.registry import Hit, on_flow, on_resource, rule

HIGH_WINDOW_DAYS = 180
STALE_SESSION_DAYS = 30
INACTIVE_CHANNEL_LIMIT = 1000


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


@rule("FLX301", families=("flex_flows",))
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


@rule("FLX302", families=("chat", "flex_configuration"))
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
    yield on_resource(
        service,
        f"Flex chat service {service.sid} holds {max(active, unparsable)} active channel(s) ({detail}): "
        "close them or accept them as lost before migrating.",
    )


@rule("FLX303", families=("chat", "flex_flows"))
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


@rule("FLX304", families=("flex_flows",))
def flx304(ctx: Context):
    for f in ctx.enabled_flows:
        if channel(f) in NUMBER_CHANNELS and f.janitor_enabled is False:
            yield on_flow(
                f,
                f"{channel(f)} Flex Flow {f.sid} has janitor_enabled false: sessions and channels outlive deleted tasks.",
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


@rule("FLX305", families=("proxy", "flex_configuration"))
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

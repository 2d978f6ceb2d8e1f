"""Proxy services, their number pools, and a streamed summary of their sessions."""

from __future__ import annotations

from flexaudit.inventory import PoolNumber, ProxyService, SessionSummary
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.scan.paging import prefetching_stream

PAGE_SIZE = 1000
OPEN_STATUSES = frozenset({"open", "in-progress"})


def scan_proxy_services(ctx: ScanContext) -> list[ProxyService]:
    services = [
        ProxyService(
            sid=fields.text(s.sid) or "",
            unique_name=fields.text(s.unique_name),
            chat_instance_sid=fields.text(s.chat_instance_sid),
        )
        for s in ctx.client.proxy.v1.services.stream(page_size=PAGE_SIZE)
    ]
    # Pools and session streams of every service all start at once.
    pools = [ctx.fanout.submit(_pool, ctx, s.sid) for s in services]
    sessions = [ctx.fanout.submit(summarize_sessions, ctx, s.sid) for s in services]
    for service, pool, summary in zip(services, pools, sessions):
        service.phone_numbers = pool.result()
        service.sessions = summary.result()
    ctx.progress(f"proxy services: {len(services)}")
    return services


def _pool(ctx: ScanContext, service_sid: str) -> list[PoolNumber]:
    return [
        PoolNumber(sid=fields.text(n.sid) or "", phone_number=fields.text(n.phone_number))
        for n in ctx.client.proxy.v1.services(service_sid).phone_numbers.stream(page_size=PAGE_SIZE)
    ]


def summarize_sessions(ctx: ScanContext, service_sid: str) -> SessionSummary:
    summary = SessionSummary()
    first = ctx.client.proxy.v1.services(service_sid).sessions.page(page_size=PAGE_SIZE)
    for session in prefetching_stream(first, ctx.prefetch):
        status = fields.text(session.status) or "unknown"
        summary.total += 1
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
        if status in OPEN_STATUSES:
            day = (fields.utc_day(session.date_last_interaction)
                   or fields.utc_day(session.date_started)
                   or fields.utc_day(session.date_created)
                   or "unknown")
            summary.open_by_last_activity_day[day] = summary.open_by_last_activity_day.get(day, 0) + 1
    return summary

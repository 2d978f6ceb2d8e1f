"""Proxy services, their number pools, and a streamed summary of their sessions."""

from __future__ import annotations

from flexaudit.model.inventory import ProxyService, SessionSummary
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records, path_segment
from flexaudit.scan.pools import pool_numbers

PAGE_SIZE = 1000
OPEN_STATUSES = frozenset({"open", "in-progress"})


def scan_proxy_services(ctx: ScanContext) -> list[ProxyService]:
    services = [
        ProxyService(
            sid=fields.text(s.get("sid")) or "",
            unique_name=fields.text(s.get("unique_name")),
            chat_instance_sid=fields.text(s.get("chat_instance_sid")),
        )
        for s in list_records(ctx.client.proxy.v1, "/Services", {"PageSize": PAGE_SIZE})
    ]
    # Pools and session streams of every service all start at once.
    pools = [ctx.fanout.submit(pool_numbers, ctx.client.proxy.v1, s.sid, ctx.prefetch) for s in services]
    sessions = [ctx.fanout.submit(summarize_sessions, ctx, s.sid) for s in services]
    for service, pool, summary in zip(services, pools, sessions):
        service.phone_numbers = pool.result()
        service.sessions = summary.result()
    ctx.progress(f"proxy services: {len(services)}")
    return services


def summarize_sessions(ctx: ScanContext, service_sid: str) -> SessionSummary:
    summary = SessionSummary()
    sessions = list_records(ctx.client.proxy.v1, f"/Services/{path_segment(service_sid)}/Sessions",
                            {"PageSize": PAGE_SIZE}, executor=ctx.prefetch)
    for session in sessions:
        status = fields.text(session.get("status")) or "unknown"
        summary.total += 1
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
        if status in OPEN_STATUSES:
            day = (fields.utc_day(session.get("date_last_interaction"))
                   or fields.utc_day(session.get("date_started"))
                   or fields.utc_day(session.get("date_created"))
                   or "unknown")
            summary.open_by_last_activity_day[day] = summary.open_by_last_activity_day.get(day, 0) + 1
    return summary

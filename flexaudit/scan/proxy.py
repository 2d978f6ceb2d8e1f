"""Proxy services, their number pools, and a streamed summary of their sessions."""

from __future__ import annotations

from flexaudit.api.paging import list_records, path_segment
from flexaudit.model.inventory import ProxyService, SessionSummary
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.pools import pool_numbers
from flexaudit.scan.records import from_record, string, utc_day

PAGE_SIZE = 1000
OPEN_STATUSES = frozenset({"open", "in-progress"})


def scan_proxy_services(ctx: ScanContext, needed: Needed) -> Scanned:
    services = [from_record(ProxyService, s)
                for s in list_records(ctx.client.proxy.v1, "/Services", {"PageSize": PAGE_SIZE})]
    # Pools and session streams of every service all start at once.
    pools = [ctx.fanout.submit(pool_numbers, ctx.client.proxy.v1, s.sid, ctx.prefetch) for s in services]
    sessions = [ctx.fanout.submit(summarize_sessions, ctx, s.sid) for s in services]
    for service, pool, summary in zip(services, pools, sessions):
        service.phone_numbers = pool.result()
        service.sessions = summary.result()
    ctx.progress(f"proxy services: {len(services)}")
    return Scanned(services)


def summarize_sessions(ctx: ScanContext, service_sid: str) -> SessionSummary:
    summary = SessionSummary()
    sessions = list_records(ctx.client.proxy.v1, f"/Services/{path_segment(service_sid)}/Sessions",
                            {"PageSize": PAGE_SIZE}, executor=ctx.prefetch)
    for session in sessions:
        status = string(session.get("status")) or "unknown"
        summary.total += 1
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
        if status in OPEN_STATUSES:
            day = (utc_day(session.get("date_last_interaction"))
                   or utc_day(session.get("date_started"))
                   or utc_day(session.get("date_created"))
                   or "unknown")
            summary.open_by_last_activity_day[day] = summary.open_by_last_activity_day.get(day, 0) + 1
    return summary

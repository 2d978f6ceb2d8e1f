"""Messaging Services and their phone numbers: a service can take inbound traffic away from Proxy."""

from flexaudit.inventory import MessagingService, PoolNumber
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.scan.paging import list_records, path_segment

PAGE_SIZE = 1000


def scan_messaging_services(ctx: ScanContext) -> list[MessagingService]:
    services = [
        MessagingService(
            sid=fields.text(s.get("sid")) or "",
            friendly_name=fields.text(s.get("friendly_name")),
            inbound_request_url=fields.text(s.get("inbound_request_url")),
            use_inbound_webhook_on_number=fields.flag(s.get("use_inbound_webhook_on_number")),
        )
        for s in list_records(ctx.client.messaging.v1, "/Services", {"PageSize": PAGE_SIZE})
    ]
    for service, pool in zip(services, ctx.fetch_all(lambda s: _pool(ctx, s.sid), services)):
        service.phone_numbers = pool
    ctx.progress(f"messaging services: {len(services)}")
    return services


def _pool(ctx: ScanContext, service_sid: str) -> list[PoolNumber]:
    return [
        PoolNumber(sid=fields.text(n.get("sid")) or "", phone_number=fields.text(n.get("phone_number")))
        for n in list_records(ctx.client.messaging.v1, f"/Services/{path_segment(service_sid)}/PhoneNumbers",
                             {"PageSize": PAGE_SIZE})
    ]

"""Messaging Services and their phone numbers: a service can take inbound traffic away from Proxy."""

from flexaudit.model.inventory import MessagingService
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records
from flexaudit.scan.pools import pool_numbers

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
    pools = ctx.fetch_all(lambda s: pool_numbers(ctx.client.messaging.v1, s.sid), services)
    for service, pool in zip(services, pools):
        service.phone_numbers = pool
    ctx.progress(f"messaging services: {len(services)}")
    return services

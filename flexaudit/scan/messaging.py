"""Messaging Services and their phone numbers: a service can take inbound traffic away from Proxy."""

from flexaudit.inventory import MessagingService, PoolNumber
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext

PAGE_SIZE = 1000


def scan_messaging_services(ctx: ScanContext) -> list[MessagingService]:
    services = [
        MessagingService(
            sid=fields.text(s.sid) or "",
            friendly_name=fields.text(s.friendly_name),
            inbound_request_url=fields.text(s.inbound_request_url),
            use_inbound_webhook_on_number=fields.flag(s.use_inbound_webhook_on_number),
        )
        for s in ctx.client.messaging.v1.services.stream(page_size=PAGE_SIZE)
    ]
    for service, pool in zip(services, ctx.fetch_all(lambda s: _pool(ctx, s.sid), services)):
        service.phone_numbers = pool
    ctx.progress(f"messaging services: {len(services)}")
    return services


def _pool(ctx: ScanContext, service_sid: str) -> list[PoolNumber]:
    return [
        PoolNumber(sid=fields.text(n.sid) or "", phone_number=fields.text(n.phone_number))
        for n in ctx.client.messaging.v1.services(service_sid).phone_numbers.stream(page_size=PAGE_SIZE)
    ]

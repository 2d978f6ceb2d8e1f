"""Messaging Services and their phone numbers: a service can take inbound traffic away from Proxy."""

from flexaudit.api.paging import list_records
from flexaudit.model.inventory import MessagingService
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.pools import pool_numbers
from flexaudit.scan.records import from_record

PAGE_SIZE = 1000


def scan_messaging_services(ctx: ScanContext, needed: Needed) -> Scanned:
    services = [from_record(MessagingService, s)
                for s in list_records(ctx.client.messaging.v1, "/Services", {"PageSize": PAGE_SIZE})]
    pools = ctx.fetch_all(lambda s: pool_numbers(ctx.client.messaging.v1, s.sid), services)
    for service, pool in zip(services, pools):
        service.phone_numbers = pool
    ctx.progress(f"messaging services: {len(services)}")
    return Scanned(services)

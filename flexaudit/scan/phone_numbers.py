"""Incoming phone numbers (2010 API, relative next_page_uri paging)."""

from flexaudit.api.paging import list_records, path_segment
from flexaudit.model.inventory import PhoneNumber
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import capabilities, from_record

PAGE_SIZE = 1000


def scan_phone_numbers(ctx: ScanContext, needed: Needed) -> Scanned:
    uri = f"/Accounts/{path_segment(ctx.account_sid)}/IncomingPhoneNumbers.json"
    numbers = [from_record(PhoneNumber, pn, capabilities=capabilities(pn.get("capabilities")))
               for pn in list_records(ctx.client.api.v2010, uri, {"PageSize": PAGE_SIZE}, executor=ctx.prefetch)]
    ctx.progress(f"phone numbers: {len(numbers)}")
    return Scanned(numbers)

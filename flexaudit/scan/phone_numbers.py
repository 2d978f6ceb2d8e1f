"""Incoming phone numbers (2010 API, relative next_page_uri paging)."""

from flexaudit.model.inventory import PhoneNumber
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records, path_segment

PAGE_SIZE = 1000


def scan_phone_numbers(ctx: ScanContext) -> list[PhoneNumber]:
    numbers = []
    uri = f"/Accounts/{path_segment(ctx.account_sid)}/IncomingPhoneNumbers.json"
    for pn in list_records(ctx.client.api.v2010, uri, {"PageSize": PAGE_SIZE}, executor=ctx.prefetch):
        numbers.append(PhoneNumber(
            sid=fields.text(pn.get("sid")) or "",
            phone_number=fields.text(pn.get("phone_number")),
            friendly_name=fields.text(pn.get("friendly_name")),
            capabilities=fields.capabilities(pn.get("capabilities")),
            sms_url=fields.text(pn.get("sms_url")),
            sms_method=fields.text(pn.get("sms_method")),
            sms_application_sid=fields.text(pn.get("sms_application_sid")),
        ))
    ctx.progress(f"phone numbers: {len(numbers)}")
    return numbers

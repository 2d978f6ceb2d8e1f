"""Incoming phone numbers (2010 API, relative next_page_uri paging)."""

from flexaudit.inventory import PhoneNumber
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext

PAGE_SIZE = 1000


def scan_phone_numbers(ctx: ScanContext) -> list[PhoneNumber]:
    numbers = []
    for pn in ctx.client.api.v2010.accounts(ctx.account_sid).incoming_phone_numbers.stream(page_size=PAGE_SIZE):
        numbers.append(PhoneNumber(
            sid=fields.text(pn.sid) or "",
            phone_number=fields.text(pn.phone_number),
            friendly_name=fields.text(pn.friendly_name),
            capabilities=fields.capabilities(pn.capabilities),
            sms_url=fields.text(pn.sms_url),
            sms_method=fields.text(pn.sms_method),
            sms_application_sid=fields.text(pn.sms_application_sid),
        ))
    ctx.progress(f"phone numbers: {len(numbers)}")
    return numbers

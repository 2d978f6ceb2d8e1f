"""The audited account itself (2010 API)."""

from flexaudit.api.paging import fetch_record, path_segment
from flexaudit.model.inventory import Account
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, string


def scan_account(ctx: ScanContext, needed: Needed) -> Scanned:
    record = fetch_record(ctx.client.api.v2010, f"/Accounts/{path_segment(ctx.account_sid)}.json")
    return Scanned(from_record(Account, record, sid=string(record.get("sid")) or ctx.account_sid))

"""Flex Flows, the legacy addresses."""

from flexaudit.api.paging import list_records
from flexaudit.model.inventory import FlexFlow
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, timestamp

PAGE_SIZE = 1000


def scan_flex_flows(ctx: ScanContext, needed: Needed) -> Scanned:
    flows = [from_record(FlexFlow, f, date_created=timestamp(f.get("date_created")))
             for f in list_records(ctx.client.flex_api.v1, "/FlexFlows", {"PageSize": PAGE_SIZE}, executor=ctx.prefetch)]
    ctx.progress(f"flex flows: {len(flows)}")
    return Scanned(flows)

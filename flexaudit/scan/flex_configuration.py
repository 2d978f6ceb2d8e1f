"""The Flex configuration (a singleton): the chat service, workspace and UI version Flex runs on."""

from flexaudit.api.paging import fetch_record
from flexaudit.model.inventory import FlexConfiguration
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record


def scan_flex_configuration(ctx: ScanContext, needed: Needed) -> Scanned:
    return Scanned(from_record(FlexConfiguration, fetch_record(ctx.client.flex_api.v1, "/Configuration")))

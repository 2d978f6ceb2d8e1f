"""Traffic: when each enabled sms/whatsapp address last received a message. The date only.

One `GET /2010-04-01/Accounts/{AC}/Messages.json?To=<address>&PageSize=1` per
distinct address (`+E164`, or `whatsapp:+E164`): Twilio lists messages newest
first, so the first page's one message is the latest. The message's body and
sender are customer data: they never leave `read_last_inbound`, which keeps
`date_sent` (else `date_created`) as ISO 8601 UTC and drops the rest.

The requests fan out beside the chat chain, whose own requests the transport
sends first, so they fill the gaps of the scan's longest sequence instead of
lengthening it.
"""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.analysis.phone import message_address
from flexaudit.api.paging import fetch_record, path_segment
from flexaudit.api.errors import ReadFailed
from flexaudit.model.inventory import FlexFlow, LastInbound
from flexaudit.scan.errors import describe_error
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import instant

NO_TRAFFIC_NOTE = "not requested (--no-traffic)"


def inbound_addresses(flows: list[FlexFlow]) -> list[str]:
    """The distinct addresses of the sms/whatsapp Flex Flows not known to be disabled, sorted."""
    found = {message_address(f.channel_type, f.contact_identity) for f in flows if f.enabled is not False}
    found.discard(None)
    return sorted(found)


def scan_messages(ctx: ScanContext, needed: Needed) -> Scanned:
    flows = needed["flex_flows"]
    if flows is None:
        return Scanned([], "the Flex Flows could not be read, so the addresses to look up are unknown")
    addresses = inbound_addresses(flows)
    if not addresses:
        return Scanned([])
    # The first answer says whether the key may read Messages at all: a key without
    # access gets one refusal (and the family its coverage error), not one per address.
    first = read_last_inbound(ctx, addresses[0])
    rest = ctx.fetch_all(lambda address: _attempt(ctx, address), addresses[1:])
    found = [first] + [r for r in rest if isinstance(r, LastInbound)]
    failed = [(a, r) for a, r in zip(addresses[1:], rest) if not isinstance(r, LastInbound)]
    ctx.progress(f"messages: last inbound of {len(found)} addresses")
    error = None
    if failed:
        address, exc = failed[0]
        error = (f"{len(failed)} of {len(addresses)} addresses could not be read "
                 f"(the first, {address}: {describe_error(exc)})")
    return Scanned(found, error)


def read_last_inbound(ctx: ScanContext, address: str) -> LastInbound:
    page = fetch_record(ctx.client.api.v2010, f"/Accounts/{path_segment(ctx.account_sid)}/Messages.json",
                        {"To": address, "PageSize": 1})
    messages = page.get("messages") if isinstance(page, dict) else None
    newest = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], dict) else {}
    return LastInbound(address, instant(newest.get("date_sent")) or instant(newest.get("date_created")))


def _attempt(ctx: ScanContext, address: str) -> LastInbound | Exception:
    try:
        return read_last_inbound(ctx, address)
    except (TwilioRestException, ReadFailed) as exc:  # ReadFailed: unreachable, a refused answer
        return exc

"""A service's number pool: Proxy and Messaging Services list it at the same path, in the same shape."""

from __future__ import annotations

from concurrent.futures import Executor

from twilio.base.version import Version

from flexaudit.api.paging import list_records, path_segment
from flexaudit.model.inventory import PoolNumber
from flexaudit.scan.records import from_record

PAGE_SIZE = 1000


def pool_numbers(version: Version, service_sid: str, executor: Executor | None = None) -> list[PoolNumber]:
    """The numbers of `version`'s /Services/{service_sid}/PhoneNumbers (client.proxy.v1 or client.messaging.v1)."""
    return [from_record(PoolNumber, n)
            for n in list_records(version, f"/Services/{path_segment(service_sid)}/PhoneNumbers",
                                  {"PageSize": PAGE_SIZE}, executor=executor)]

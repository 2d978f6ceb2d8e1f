"""Why a read failed, as the transport and the paging say it: each str() is one line for coverage and FLX901.

None of these messages carries a credential: they name hosts, statuses and
causes, and anything a server sent (a host in a link) is made safe to show.
"""

from __future__ import annotations


class ReadFailed(Exception):
    """A family's read stopped for a reason flexaudit states itself (never a bug)."""


class ApiUnreachable(ReadFailed):
    """The API did not answer (connection refused, DNS, TLS, proxy, timed out) after every retry."""

    def __init__(self, message: str, where: str, cause: str):
        super().__init__(message)
        self.where = where  # scheme://host[:port] of the server (or proxy) that could not be reached
        self.cause = cause  # "connection refused", "name not resolved (DNS)", …

    @property
    def sentence(self) -> str:
        """The one line a user reads when nothing at all could be reached."""
        return f"Twilio could not be reached: {self.where}: {self.cause}"


class LinkRefused(ReadFailed):
    """A URL that is not https on a Twilio host: never requested, the credential never sent."""


class ResponseRefused(ReadFailed):
    """An answer refused as it came: a redirect, a body over the size limit, an unknown encoding,
    or a wait longer than flexaudit allows for one request."""


class PagingCut(ReadFailed):
    """A list whose paging repeats a page or never ends: cut, so the family is incomplete."""

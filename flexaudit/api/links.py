"""Which URLs a scan may send the credential to: https on a Twilio host, nothing else.

Every request the SDK makes goes through `check_twilio_url` before a byte is
sent, with or without --api-base-url (in that mode the check applies to the
URL the SDK addressed, before it is mapped onto the base URL). So a paging
link or anything else a server names (`https://evil.example/…`,
`http://127.0.0.1:…`, `http://flex-api.twilio.com/…`) is refused instead of
followed with the Basic auth header.

The URL is read with both parsers that matter, Python's and urllib3's (the one
that opens the connection), and both must agree on the host: a URL that two
parsers read differently (`https://evil.example\\@api.twilio.com/`) is refused.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import urllib3

from flexaudit.api.errors import LinkRefused
from flexaudit.safe_text import clip

# twilio.com or any name under it, in lower case ASCII: api.twilio.com,
# chat.dublin.ie1.twilio.com. No trailing dot, no empty label.
_TWILIO_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*twilio\.com$")
# What a URL may hold at all: printable ASCII without white space, quotes, angle brackets or backslash.
_URL_CHARS = re.compile(r"^[!#-;=?-\[\]-~]+$")


def check_twilio_url(url: str) -> None:
    """Raise LinkRefused unless `url` is https://<host>.twilio.com[:443]/… without user info."""
    if not isinstance(url, str) or not _URL_CHARS.match(url):
        raise LinkRefused(f"refused to follow a malformed link ({describe_link(url)}): the credential is only "
                          "sent to https://*.twilio.com")
    try:
        ours = urlsplit(url)
        theirs = urllib3.util.parse_url(url)
        port = ours.port
    except (ValueError, urllib3.exceptions.LocationParseError):
        raise LinkRefused(f"refused to follow a malformed link ({describe_link(url)}): the credential is only "
                          "sent to https://*.twilio.com") from None
    host = (ours.hostname or "").lower()
    reasons = []
    if ours.scheme.lower() != "https" or (theirs.scheme or "").lower() != "https":
        reasons.append("not https")
    if not _TWILIO_HOST.match(host) or (theirs.host or "").lower() != host:
        reasons.append("not a twilio.com host")
    if ours.username is not None or ours.password is not None or theirs.auth is not None or "@" in ours.netloc:
        reasons.append("carries user info")
    if port not in (None, 443) or theirs.port not in (None, 443):
        reasons.append("names a port other than 443")
    if reasons:
        raise LinkRefused(f"refused to follow a link to {describe_link(url)} ({', '.join(reasons)}): "
                          "the credential is only sent to https://*.twilio.com")


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, never its user info."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def describe_link(url: object) -> str:
    """Where a link points, for a one-line message: scheme and host only, made safe to show."""
    text = url if isinstance(url, str) else repr(url)
    try:
        where = origin(text) if "://" in text else text
    except ValueError:
        where = text
    return clip(where, 80)

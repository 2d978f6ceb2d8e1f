"""Paging links gone wrong, for clients that must not loop forever or leak credentials.

Applied to a list page after it is made (v1 `meta.next_page_url`, 2010
`next_page_uri`), for the families a fault option names:
- self_page:     the next link is the page's own link (2010: `next_page_uri == uri`);
- page_cycle:    page 0 leads to page 1 and page 1 (or any later page) back to page 0;
- endless_pages: every page names one more page (Page and PageToken always new);
                 pages past the end are empty;
- next_page_url: the next link is the given text (another host, http://, …), on every page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flexaudit.emulator.faults import FaultSettings
from flexaudit.emulator.paging import decode_token, encode_token

_PAGING = ("Page", "PageToken")


def applies(settings: FaultSettings, family: str) -> bool:
    return (family in settings.self_page or family in settings.page_cycle
            or family in settings.endless_pages or family in settings.next_page_url)


def rewrite(body: dict, settings: FaultSettings, family: str) -> dict:
    """The page with its next link replaced as the family's paging fault says."""
    if "meta" in body:
        links, next_key, own_key, first_key = body["meta"], "next_page_url", "url", "first_page_url"
    elif "next_page_uri" in body:
        links, next_key, own_key, first_key = body, "next_page_uri", "uri", "first_page_uri"
    else:
        return body
    own = links[own_key]
    if family in settings.self_page:
        links[next_key] = own
    elif family in settings.page_cycle:
        links[next_key] = _with_page(own, 1, links["page_size"]) if links["page"] == 0 else links[first_key]
    elif family in settings.endless_pages:
        links[next_key] = _with_page(own, links["page"] + 1, _offset(own, links) + links["page_size"])
    elif family in settings.next_page_url:
        links[next_key] = settings.next_page_url[family]
    return body


def _offset(link: str, links: dict) -> int:
    token = dict(parse_qsl(urlsplit(link).query)).get("PageToken")
    return decode_token(token) if token else links["page"] * links["page_size"]


def _with_page(link: str, page: int, offset: int) -> str:
    parts = urlsplit(link)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _PAGING]
    pairs += [("Page", str(page)), ("PageToken", encode_token(offset))]
    return urlunsplit(parts._replace(query=urlencode(pairs)))

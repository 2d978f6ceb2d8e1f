"""Which (method, subdomain, path) answers what, and the resource family it belongs to.

reads.py: the GET routes of the products a Flex audit reads; serverless.py:
Twilio Functions; writes.py: the POST/DELETE routes of write mode.
"""

from __future__ import annotations

from flexaudit.emulator.routes import reads, serverless, writes
from flexaudit.emulator.routes.base import Call, Reply, Route

__all__ = ["FAMILIES", "Call", "Reply", "Route", "match", "methods_for"]

_BY_METHOD: dict[str, list[Route]] = {
    "GET": reads.ROUTES + serverless.ROUTES,
    "POST": writes.POSTS,
    "DELETE": writes.DELETES,
}


# The resource families the emulator serves (what deny, hang and the other faults name), in route order.
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(route.family for routes in _BY_METHOD.values() for route in routes))


def match(method: str, sub: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in _BY_METHOD.get(method, ()):
        if route.sub == sub:
            found = route.pattern.fullmatch(path)
            if found:
                return route, found.groupdict()
    return None


def methods_for(sub: str, path: str) -> list[str]:
    """The methods some route answers on this path (empty: the path is unknown)."""
    return [method for method in _BY_METHOD if match(method, sub, path)]

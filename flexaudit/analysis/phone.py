"""Phone-number normalisation (rules.md "Normalized number").

A Flex Flow's `contact_identity`, an IncomingPhoneNumber's `phone_number`, a
pool entry and a Conversations address all spell the same number differently
(`whatsapp:+1 555-010-0001`, `15550100001`, `+15550100001`). Everything that
compares numbers goes through `normalize_number`, so they meet on one form.
"""

from __future__ import annotations

import re

WHATSAPP_PREFIX = "whatsapp:"

# spaces (any whitespace), dashes, dots and parentheses
_NOISE = re.compile(r"[\s\-.()]+")


def normalize_number(value: object) -> str | None:
    """The normalized form of a number or contact identity, or None when empty.

    Strip a `whatsapp:` prefix (any case), spaces, dashes, dots and parentheses;
    add a missing leading `+`. Anything else is kept as is, so a non-phone
    identity (`messenger:123`, `custom`) normalizes to something that simply
    matches no phone number. Never raises: non-strings give None.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[: len(WHATSAPP_PREFIX)].lower() == WHATSAPP_PREFIX:
        text = text[len(WHATSAPP_PREFIX):]
    text = _NOISE.sub("", text)
    if not text:
        return None
    if not text.startswith("+"):
        text = "+" + text
    return text


def has_whatsapp_prefix(value: object) -> bool:
    """True when the identity carries the `whatsapp:` prefix exactly as Twilio sends it."""
    return isinstance(value, str) and value.strip().startswith(WHATSAPP_PREFIX)


def whatsapp_address(value: object) -> str | None:
    """`whatsapp:+E164` for a number in any spelling (the Conversations address form)."""
    number = normalize_number(value)
    return f"{WHATSAPP_PREFIX}{number}" if number else None


def message_address(channel_type: object, identity: object) -> str | None:
    """The `To` of the messages an sms or whatsapp address receives: `+E164`, or
    `whatsapp:+E164` (whatever the identity's spelling); None for other channels."""
    kind = channel_type.strip().lower() if isinstance(channel_type, str) else ""
    if kind == "sms":
        return normalize_number(identity)
    if kind == "whatsapp":
        return whatsapp_address(identity)
    return None

"""Each Conversations address as it stands after a cut-over (contract `conversations_addresses[]`).

An address is `broken` when a finding names it (FLX501–FLX507, FLX407) or
FLX406 names its number: customers' messages on it do not reach agents now.
Like readiness, health follows every finding, waived or not: a waiver accepts
a risk in the report, it does not repair the address.
"""

from __future__ import annotations

from flexaudit.analysis.index import Context, address_type, auto_text, safe_url, text
from flexaudit.model.findings import ConversationsAddressHealth, Finding
from flexaudit.model.inventory import Inventory

OK, BROKEN = "ok", "broken"
INTEGRATIONS = ("studio", "webhook", "default")
ON_ITS_NUMBER = "FLX406"  # the one finding on a number that breaks the address using it


def address_health(inventory: Inventory, findings: list[Finding], context: Context | None = None
                   ) -> list[ConversationsAddressHealth]:
    """One entry per address configuration, broken ones first, then by address and sid."""
    ctx = context if context is not None and context.inventory is inventory else Context(inventory)
    on_address: dict[str, list[str]] = {}
    on_number: dict[str, list[str]] = {}
    for f in findings:
        if f.resource_type == "conversations_address":
            on_address.setdefault(f.resource_sid, []).append(f.finding_id)
        elif f.resource_type == "phone_number" and f.rule_id == ON_ITS_NUMBER:
            on_number.setdefault(f.resource_sid, []).append(f.finding_id)
    out = []
    for a in ctx.addresses:
        ids = list(on_address.get(str(a.sid), []))
        if address_type(a) in ("sms", "whatsapp"):
            for number in ctx.numbers_for(a.address):
                ids += on_number.get(str(number.sid), [])
        integration = auto_text(a, "type").lower()
        integration = integration if integration in INTEGRATIONS else "default"
        url = auto_text(a, "webhook_url") if integration == "webhook" else ""
        out.append(ConversationsAddressHealth(
            sid=str(a.sid),
            type=address_type(a),
            address=text(a.address),
            friendly_name=text(a.friendly_name),
            integration=integration,
            studio_flow_sid=(auto_text(a, "studio_flow_sid") or None) if integration == "studio" else None,
            webhook_url=safe_url(url) if url else None,
            health=BROKEN if ids else OK,
            finding_ids=sorted(set(ids)),
        ))
    return sorted(out, key=lambda h: (h.health != BROKEN, h.address.casefold(), h.sid))

"""Hand-built Reports for the renderer tests: no scan, no rules, just data.

`sample_report()` is a small realistic account; `hostile_report()` puts markup,
control characters and injection payloads in every account-controlled field;
`large_report(n)` is an account with n legacy addresses, each with the findings
and migration steps a real one has.
"""

from __future__ import annotations

from datetime import date, timedelta

from flexaudit.model.findings import AccountBlocker, AddressPlan, CoverageEntry, Finding, Severity, WaiverResult
from flexaudit.model.inventory import Account, Inventory
from flexaudit.report.model import Report, build_report
from tests.support.sids import sid

ACCOUNT_SID = "AC" + "0" * 31 + "1"
PROXY_SID = "KS" + "a" * 32
CHAT_SID = "IS" + "b" * 32
MG_SID = "MG" + "c" * 32
AS_OF = date(2026, 11, 21)
SCANNED_AT = "2026-11-21T20:00:00Z"
DOCS = "https://www.twilio.com/docs/flex/developer/conversations"

HOSTILE = [
    "<script>alert(1)</script>",
    "a|b",
    "back`tick``s",
    "line1\nline2\r\n| x | y |",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/pixel.png)",
    "*bold* _it_ ~~s~~ # h $x$ &lt; &amp;",
    "=HYPERLINK(\"https://evil.example\",\"click\")",
    "\x1b[31mred\x1b[0m\x07",
    "\u202eevil\u202c",
    "</td></tr><img src=x onerror=alert(2)>",
    "{{7*7}} ${7*7}",
]


def inventory(friendly_name: str | None = "Acme Support") -> Inventory:
    return Inventory(
        account_sid=ACCOUNT_SID,
        scanned_at=SCANNED_AT,
        tool_version="0.1.0",
        account=Account(sid=ACCOUNT_SID, friendly_name=friendly_name, status="active"),
    )


RULES = {
    "FLX101": (Severity.HIGH, "phone_number", "Number not wired to the Flex Proxy webhook",
               "Set the number's \"A message comes in\" webhook to the Flex Proxy webhook, or recreate the Flex Flow in the Console."),
    "FLX103": (Severity.HIGH, "phone_number", "Messaging Service takes inbound messages away from Proxy",
               "In the Messaging Service's Integration settings choose \"Defer to sender's webhook\", or remove the number from the service."),
    "FLX106": (Severity.LOW, "flex_flow", "Flex Flow is disabled",
               "Delete the Flex Flow if it is no longer needed, or plan it with the others."),
    "FLX112": (Severity.HIGH, "phone_number", "Number not in the Flex Proxy Service pool",
               "Add the number to the Flex Proxy Service's phone numbers."),
    "FLX201": (Severity.CRITICAL, "flex_flow", "Studio flow of the Flex Flow is missing",
               "Point the Flex Flow at an existing Studio flow with a Send to Flex widget."),
    "FLX301": (Severity.CRITICAL, "flex_flow", "Flex Flow runs on Programmable Chat (end of life)",
               "Migrate the address to Flex Conversations: see the migration plan."),
    "FLX304": (Severity.LOW, "flex_flow", "Janitor disabled",
               "Enable the janitor: twilio api:flex:v1:flex-flows:update --sid FO… --janitor-enabled"),
    "FLX401": (Severity.HIGH, "flex_configuration", "Flex UI 1.x",
               "Upgrade Flex UI to 2.x before moving any address."),
    "FLX402": (Severity.MEDIUM, "flex_flow", "Long-lived Flex Flow",
               "Plan for Conversations without long-lived channels (close conversations when tasks end)."),
    "FLX403": (Severity.HIGH, "flex_flow", "Task integration not supported by Conversations",
               "Move the routing to Studio (Send to Flex) or a webhook plus the Interactions API."),
    "FLX405": (Severity.HIGH, "flex_flow", "No Send to Flex reachable from incomingConversationMessage",
               "Wire the Studio flow's incomingConversationMessage trigger to a Send to Flex widget."),
    "FLX409": (Severity.INFO, "account", "Conversations prerequisites look undone",
               "Set the default Conversations service in the Flex Console (Messaging > Conversations)."),
    "FLX901": (Severity.INFO, "account", "Resource family could not be read",
               "Grant the key read access to Proxy, then scan again."),
}


FLEX_UI_1X = AccountBlocker(
    "FLX401", "Flex UI is 1.x: Flex Conversations needs Flex UI 2.x", "upgrade Flex UI to 2.x",
    f"Fix blocker FLX401 first (account-wide): account {ACCOUNT_SID} runs Flex UI 1.34.6; migrate the 1.x plugins "
    "(`twilio flex:plugins:upgrade-plugin --ui-2 --install`) and switch the account to Flex UI 2.x.")


def finding(rule_id: str, resource_sid: str, resource_name: str = "", message: str | None = None,
            suppressed: bool = False, severity: Severity | None = None, remediation: str | None = None) -> Finding:
    sev, rtype, title, fix = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=severity if severity is not None else sev,
        title=title,
        resource_type=rtype,
        resource_sid=resource_sid,
        resource_name=resource_name,
        message=message if message is not None else f"{title} ({resource_sid}).",
        remediation=remediation if remediation is not None else fix,
        docs_url=DOCS,
        suppressed=suppressed,
    )


def steps_for(flow_sid: str, number: str, pn_sid: str, studio_sid: str | None, blockers: list[str],
              in_messaging_service: bool = False, active_channels: int = 0) -> list[str]:
    """A migration plan as the readiness module writes it: CLI commands and REST calls between backticks."""
    steps = []
    for b in blockers:
        steps.append(f"Fix blocker {b} on {flow_sid} first (see its finding and the rule's docs).")
    sessions = f" ({active_channels} active sms channel(s) there now)" if active_channels else ""
    steps.append(
        f"Drain or accept the open legacy conversations of Flex Flow {flow_sid}: let agents finish, then set the "
        f"remaining active channels in chat service {CHAT_SID}{sessions} INACTIVE "
        f"(`twilio api:chat:v2:services:channels:update --service-sid {CHAT_SID} --sid CH... --attributes "
        f"'{{...,\"status\":\"INACTIVE\"}}'`) and close their sessions in Proxy service {PROXY_SID}; what stays open is not migrated."
    )
    kind = (f"--auto-creation.type studio --auto-creation.studio-flow-sid {studio_sid}" if studio_sid
            else "--auto-creation.type webhook --auto-creation.webhook-url https://example.com/hook")
    steps.append(
        f"Create the Conversations address for {number}: "
        f"`twilio api:conversations:v1:configuration:addresses:create --type sms --address {number} "
        f"--auto-creation.enabled {kind}` "
        f"(REST: `POST https://conversations.twilio.com/v1/Configuration/Addresses` with `Type=sms&Address={number}`)."
    )
    steps.append(
        f"Remove {pn_sid} from the Flex Proxy Service: "
        f"`twilio api:proxy:v1:services:phone-numbers:remove --service-sid {PROXY_SID} --sid {pn_sid}` "
        f"(REST: `DELETE https://proxy.twilio.com/v1/Services/{PROXY_SID}/PhoneNumbers/{pn_sid}`)."
    )
    if in_messaging_service:
        steps.append(
            f"Remove {pn_sid} from Messaging Service {MG_SID}: "
            f"`twilio api:messaging:v1:services:phone-numbers:remove --service-sid {MG_SID} --sid {pn_sid}`"
        )
    steps.append(
        f"Clear the inbound webhook of {pn_sid}: `twilio api:core:incoming-phone-numbers:update --sid {pn_sid} --sms-url \"\"` "
        f"(REST: `POST https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/IncomingPhoneNumbers/{pn_sid}.json` with `SmsUrl=`)."
    )
    steps.append(
        f"Delete the Flex Flow: `twilio api:flex:v1:flex-flows:remove --sid {flow_sid}` "
        f"(REST: `DELETE https://flex-api.twilio.com/v1/FlexFlows/{flow_sid}`)."
    )
    steps.append(f"Test: send an SMS to {number} and check that a task reaches Flex through Conversations.")
    return steps


def address(i: int, readiness: str = "needs-work", blockers: list[str] | None = None,
            rules: list[str] | None = None, friendly_name: str | None = None,
            integration_type: str = "studio", enabled: bool = True,
            in_messaging_service: bool = False, active_channels: int = 0,
            last_inbound_at: str | None = None) -> AddressPlan:
    """Address i; `rules`: the rules with a finding on its flow or number (finding_ids follow)."""
    flow = sid("FO", i)
    pn = sid("PN", i)
    studio = sid("FW", i) if integration_type == "studio" else None
    number = f"+1555{i:07d}"
    blockers = blockers or []
    finding_ids = sorted(f"{rid}:{pn if RULES[rid][1] == 'phone_number' else flow}" for rid in rules or [])
    return AddressPlan(
        flex_flow_sid=flow,
        friendly_name=friendly_name if friendly_name is not None else f"Support SMS {i}",
        channel_type="sms",
        contact_identity=number,
        integration_type=integration_type,
        readiness=readiness,
        blockers=list(blockers),
        steps=steps_for(flow, number, pn, studio, blockers, in_messaging_service, active_channels),
        wave={"ready": 1, "needs-work": 2, "blocked": 3}[readiness],
        last_inbound_at=last_inbound_at,
        enabled=enabled,
        phone_number_sid=pn,
        studio_flow_sid=studio,
        finding_ids=finding_ids,
    )


def sample_report(**overrides) -> Report:
    """A small account: one blocked, one needs-work, one ready address, a suppressed finding, a waiver."""
    a1 = address(1, "blocked", ["FLX403"], ["FLX301", "FLX403"], friendly_name="Legacy task SMS",
                 integration_type="task", last_inbound_at="2026-11-20T08:15:00Z")
    a2 = address(2, "needs-work", [], ["FLX101", "FLX106", "FLX301"], enabled=False)
    a3 = address(3, "ready", [], ["FLX301"], friendly_name="WhatsApp main", last_inbound_at="2026-10-02T14:03:11Z")
    findings = [
        finding("FLX301", a.flex_flow_sid, a.friendly_name,
                "The Flex Flow runs on Programmable Chat, which reached end of life on 2026-06-01 (173 days overdue).")
        for a in (a1, a2, a3)
    ] + [
        finding("FLX403", a1.flex_flow_sid, a1.friendly_name, "The Flex Flow uses the task integration (workspace WS…)."),
        finding("FLX101", a2.phone_number_sid, "+15550000002",
                f"sms_url is https://example.com/sms instead of the Flex Proxy webhook (Flex Flow {a2.flex_flow_sid})."),
        finding("FLX106", a2.flex_flow_sid, a2.friendly_name, "The Flex Flow is disabled.", suppressed=True),
        finding("FLX409", ACCOUNT_SID, "Acme Support", "The Conversations configuration has no default_chat_service_sid."),
    ]
    args = dict(
        inventory=inventory(),
        findings=findings,
        addresses=[a3, a1, a2],
        coverage=[CoverageEntry(f, True) for f in ("account", "phone_numbers", "flex_flows", "proxy", "chat")],
        waivers=[
            WaiverResult("FLX106", a2.flex_flow_sid, "kept disabled for the holiday campaign", "2027-01-15", "active", 1),
            WaiverResult("FLX304", None, "janitor off on purpose", None, "unused", 0),
        ],
        as_of=AS_OF,
        tool_version="0.1.0",
    )
    args.update(overrides)
    return build_report(**args)


def empty_report(**overrides) -> Report:
    args = dict(inventory=inventory(), findings=[], addresses=[], coverage=[], waivers=[], as_of=AS_OF,
                tool_version="0.1.0")
    args.update(overrides)
    return build_report(**args)


def incomplete_report() -> Report:
    r = sample_report()
    return sample_report(
        findings=list(r.findings) + [
            finding("FLX901", ACCOUNT_SID, "proxy", "Family proxy could not be read (HTTP 403): skipped FLX101, FLX112, FLX305.")
        ],
        coverage=[
            CoverageEntry("account", True),
            CoverageEntry("proxy", False, "HTTP 403 Forbidden (code 20003)", ["FLX101", "FLX112", "FLX305"]),
            CoverageEntry("chat", False, "HTTP 404 product not enabled", ["FLX302", "FLX303"]),
        ],
    )


def hostile_report() -> Report:
    """Every account-controlled string is an injection attempt."""
    addresses, findings = [], []
    for i, evil in enumerate(HOSTILE, start=1):
        a = address(i, ["blocked", "needs-work", "ready"][i % 3], friendly_name=evil, rules=["FLX101"])
        a.contact_identity = evil
        a.steps = [f"Rename {evil} then run `twilio api:x --name {evil}`", evil]
        addresses.append(a)
        findings.append(finding("FLX101", a.phone_number_sid, evil, f"Handler is {evil}", remediation=f"Fix {evil}"))
    return build_report(
        inventory=inventory(HOSTILE[0] + " " + HOSTILE[1]),
        findings=findings,
        addresses=addresses,
        coverage=[CoverageEntry("proxy", False, HOSTILE[0] + HOSTILE[3], ["FLX101"])],
        waivers=[WaiverResult("FLX106", HOSTILE[1], HOSTILE[0] + HOSTILE[2], "2027-01-01", "unused", 0)],
        as_of=AS_OF,
        tool_version="0.1.0",
    )


def large_report(n: int = 50, distinct_plans: bool = False) -> Report:
    """n legacy addresses with the findings and plans a real account of that size has.

    By default addresses fall into five kinds whose plans differ only in their
    own SIDs; with distinct_plans every plan also has its own details (channel
    counts), as in an account whose addresses grew one by one.
    """
    addresses, findings = [], []
    findings.append(finding("FLX401", ACCOUNT_SID, "Acme Support", "ui_version is 1.34.6: Flex UI 1.x reached end of life on 2024-06-30."))
    findings.append(finding("FLX409", ACCOUNT_SID, "Acme Support", "The Conversations configuration has no default_chat_service_sid."))
    for i in range(1, n + 1):
        kind = i % 5
        name = f"Support line {i:02d} (US East, {'sales' if i % 2 else 'care'})"
        ids = ["FLX301"]
        blockers = []
        a_findings = []
        if kind == 0:
            ids += ["FLX403"]
            blockers += ["FLX403"]
        if kind in (1, 2):
            ids += ["FLX101", "FLX112"]
        if kind == 3:
            ids += ["FLX103", "FLX402"]
        if kind == 4:
            ids += ["FLX106", "FLX304"]
        readiness = "blocked" if blockers else "ready" if kind == 4 else "needs-work"
        # every third address had no traffic; the others' last message i days before the scan
        last = None if i % 3 == 0 else f"{(AS_OF - timedelta(days=i)).isoformat()}T09:00:00Z"
        a = address(i, readiness, blockers, ids, friendly_name=name,
                    integration_type="task" if kind == 0 else "studio", enabled=kind != 4,
                    in_messaging_service=kind == 3, active_channels=i * 3 + 1 if distinct_plans else 0,
                    last_inbound_at=last)
        addresses.append(a)
        for rid in ids:
            rtype = RULES[rid][1]
            res = a.phone_number_sid if rtype == "phone_number" else a.flex_flow_sid
            msg = {
                "FLX301": "The Flex Flow runs on Programmable Chat, which reached end of life on 2026-06-01 (173 days overdue).",
                "FLX101": f"sms_url is https://handler-{i}.example.com/inbound/sms instead of the Flex Proxy webhook (Flex Flow {a.flex_flow_sid}).",
                "FLX112": f"{a.contact_identity} is not in the pool of Flex Proxy Service {PROXY_SID}: agents' replies fail (80620).",
                "FLX103": f"{a.contact_identity} belongs to Messaging Service {MG_SID}, which does not defer to the number's webhook.",
                "FLX402": "long_lived is true: Flex Conversations does not keep channels open between tasks.",
                "FLX106": "The Flex Flow is disabled.",
                "FLX304": "janitor_enabled is false.",
                "FLX403": "The Flex Flow uses the task integration (workspace WS…, workflow WW…).",
            }[rid]
            a_findings.append(finding(rid, res, name, msg, suppressed=(rid == "FLX106" and i % 10 == 4)))
        findings += a_findings
    return build_report(
        inventory=inventory(),
        findings=findings,
        addresses=addresses,
        coverage=[CoverageEntry("account", True), CoverageEntry("proxy", True)],
        waivers=[WaiverResult("FLX106", sid("FO", 4), "seasonal", "2027-01-15", "active", 1)],
        as_of=AS_OF,
        tool_version="0.1.0",
        account_blockers=[FLEX_UI_1X],
    )

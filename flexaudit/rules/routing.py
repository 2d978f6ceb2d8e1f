"""1xx: legacy routing (number <-> Flex Flow <-> handler).

These rules concern enabled Flex Flows (`enabled` exactly true) unless stated;
a disabled flow only gets FLX106 here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flexaudit.analysis.phone import has_whatsapp_prefix, normalize_number
from flexaudit.analysis.index import (
    NUMBER_CHANNELS,
    Context,
    channel,
    integ_text,
    integration_type,
    is_disabled,
    number_name,
    proxy_webhook,
    safe_url,
    sids,
    text,
)
from flexaudit.rules.registry import on_flow, on_number, rule

PROXY_DEPS = ("phone_numbers", "flex_flows", "flex_configuration", "proxy")


def _expected_webhook(ctx: Context) -> str:
    if ctx.proxy.resolved:
        return proxy_webhook(ctx.account_sid, str(ctx.proxy.service.sid))
    return "the Flex Proxy webhook"


@rule("FLX101", families=PROXY_DEPS)
def flx101(ctx: Context):
    for m in ctx.mapped.values():
        if ctx.is_flex_proxy_webhook(m.number.sms_url):
            continue
        yield on_number(
            m.number,
            f"{m.name} is the contact identity of enabled Flex Flow {m.describe_flows()}, but inbound "
            f"messages to it go to {ctx.describe_handler(m.number.sms_url)} instead of {_expected_webhook(ctx)}: "
            f"they never reach Flex.{ctx.proxy.note}",
        )


@rule("FLX102", families=("phone_numbers", "flex_flows"))
def flx102(ctx: Context):
    for m in ctx.mapped.values():
        app = text(m.number.sms_application_sid)
        if app:
            yield on_number(
                m.number,
                f"{m.name} (enabled Flex Flow {m.describe_flows()}) uses TwiML App {app} for messaging: "
                "its URLs override sms_url, so the Flex Proxy webhook is ignored.",
            )


@rule("FLX103", families=("phone_numbers", "flex_flows", "messaging"))
def flx103(ctx: Context):
    for m in ctx.mapped.values():
        takers = [s for s in ctx.messaging_services_of(m.number) if s.use_inbound_webhook_on_number is False]
        if not takers:
            continue
        where = "; ".join(
            f"{s.sid} sends them to {safe_url(s.inbound_request_url) if text(s.inbound_request_url) else 'no URL (not received)'}"
            for s in takers
        )
        yield on_number(
            m.number,
            f"{m.name} (enabled Flex Flow {m.describe_flows()}) is in Messaging Service {sids(takers)} "
            f"without \"Defer to sender's webhook\": inbound messages never reach Proxy ({where}).",
        )


@rule("FLX104", families=("phone_numbers", "flex_flows"))
def flx104(ctx: Context):
    for f in ctx.enabled_flows:
        if channel(f) not in NUMBER_CHANNELS or ctx.numbers_for(f.contact_identity):
            continue
        identity = text(f.contact_identity)
        what = f"contact identity {identity!r} matches no number in the account" if identity else "has no contact identity"
        yield on_flow(f, f"Enabled {channel(f)} Flex Flow {f.sid} {what}: it can never receive a message.")


@rule("FLX105", families=("flex_flows",))
def flx105(ctx: Context):
    for (chan, norm), flows in ctx.flows_by_identity.items():
        group = [f for f in flows if f.enabled is True]
        if not chan or len(group) < 2:
            continue
        for f in group:
            others = sids(g for g in group if g is not f)
            yield on_flow(
                f,
                f"Enabled {chan} Flex Flow {f.sid} shares contact identity {norm} with enabled flow(s) {others}: "
                "inbound routing is ambiguous.",
            )


@rule("FLX106", families=("flex_flows",))
def flx106(ctx: Context):
    for f in ctx.flows:
        # A disabled task flow is Twilio's documented outbound-only pattern, not a leftover.
        if is_disabled(f) and integration_type(f) != "task":
            ident = text(f.contact_identity)
            yield on_flow(
                f,
                f"Flex Flow {f.sid} ({channel(f) or 'unknown channel'}{', ' + ident if ident else ''}) is disabled.",
            )


def _has_sms(caps: object) -> bool | None:
    if not isinstance(caps, dict):
        return None
    return any(isinstance(k, str) and k.lower() == "sms" and v is True for k, v in caps.items())


@rule("FLX107", families=("phone_numbers", "flex_flows"))
def flx107(ctx: Context):
    for m in ctx.mapped.values():
        flows = m.flows_of("sms")
        if flows and _has_sms(m.number.capabilities) is False:
            yield on_number(
                m.number,
                f"{m.name} is mapped by sms Flex Flow {m.describe_flows(flows)} but has no SMS capability.",
            )


@rule("FLX108", families=PROXY_DEPS)
def flx108(ctx: Context):
    for n in ctx.numbers:
        if str(n.sid) in ctx.mapped or not ctx.is_flex_proxy_webhook(n.sms_url):
            continue
        norm = normalize_number(n.phone_number) or ""
        disabled = [f for chan in NUMBER_CHANNELS for f in ctx.flows_by_identity.get((chan, norm), [])]
        why = f"only disabled or undetermined Flex Flows ({sids(disabled)}) name it" if disabled else "no Flex Flow names it"
        yield on_number(
            n,
            f"{number_name(n)} sends inbound messages to the Flex Proxy webhook but {why}: "
            f"they fail with error 45205.{ctx.proxy.note}",
        )


@rule("FLX109", families=("flex_flows", "flex_configuration"))
def flx109(ctx: Context):
    if not ctx.flex_chat_sid:
        return
    for f in ctx.enabled_flows:
        used = text(f.chat_service_sid)
        if used != ctx.flex_chat_sid:
            yield on_flow(
                f,
                f"Flex Flow {f.sid} uses chat service {used or '(none)'}, not the Flex chat service {ctx.flex_chat_sid}.",
            )


@rule("FLX110", families=("flex_flows",))
def flx110(ctx: Context):
    for f in ctx.enabled_flows:
        if integration_type(f) != "external":
            continue
        url = integ_text(f, "url")
        if not url:
            yield on_flow(f, f"External Flex Flow {f.sid} has no integration URL.")
        elif _scheme(url) != "https":
            yield on_flow(f, f"External Flex Flow {f.sid} posts to {safe_url(url)}, which is not https.")


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


@rule("FLX111", families=("flex_flows", "taskrouter"))
def flx111(ctx: Context):
    for f in ctx.enabled_flows:
        if integration_type(f) != "task":
            continue
        problem = _task_problem(ctx, integ_text(f, "workspace_sid"), integ_text(f, "workflow_sid"))
        if problem:
            yield on_flow(f, f"Task Flex Flow {f.sid}: {problem}; no task is created.")


def _task_problem(ctx: Context, ws: str, ww: str) -> str | None:
    missing = [name for name, value in (("workspace_sid", ws), ("workflow_sid", ww)) if not value]
    if missing:
        return f"the integration has no {' and no '.join(missing)}"
    workspace = ctx.workspaces_by_sid.get(ws)
    if workspace is None:
        return f"TaskRouter workspace {ws} does not exist in the account"
    if not ctx.workflow_in(workspace, ww):
        return f"workflow {ww} does not exist in TaskRouter workspace {ws}"
    return None


@rule("FLX112", families=PROXY_DEPS)
def flx112(ctx: Context):
    allowed = {id(s) for s in ctx.proxy.services}
    for m in ctx.mapped.values():
        flows = m.flows_of("sms")
        if not flows or any(id(s) in allowed for s in ctx.proxy_pools_of(m.number)):
            continue
        pool = str(ctx.proxy.service.sid) if ctx.proxy.resolved else "the Flex Proxy Service"
        yield on_number(
            m.number,
            f"{m.name} (sms Flex Flow {m.describe_flows(flows)}) is not in the phone-number pool of {pool}: "
            f"agents' replies fail with error 80620.{ctx.proxy.note}",
        )


@rule("FLX113", families=("flex_flows",))
def flx113(ctx: Context):
    for f in ctx.enabled_flows:
        identity = text(f.contact_identity)
        if channel(f) == "whatsapp" and identity and not has_whatsapp_prefix(identity):
            yield on_flow(
                f,
                f"WhatsApp Flex Flow {f.sid} has contact identity {identity!r} without the 'whatsapp:' prefix: "
                "inbound WhatsApp messages will not match it (error 45205).",
            )


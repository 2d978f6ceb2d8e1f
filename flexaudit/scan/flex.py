"""Flex configuration (singleton) and Flex Flows, the legacy addresses."""

from flexaudit.model.inventory import FlexConfiguration, FlexFlow
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records

PAGE_SIZE = 1000


def scan_flex_configuration(ctx: ScanContext) -> FlexConfiguration:
    cfg = ctx.client.flex_api.v1.configuration().fetch()
    return FlexConfiguration(
        account_sid=fields.text(cfg.account_sid),
        chat_service_instance_sid=fields.text(cfg.chat_service_instance_sid),
        flex_service_instance_sid=fields.text(cfg.flex_service_instance_sid),
        messaging_service_instance_sid=fields.text(cfg.messaging_service_instance_sid),
        ui_version=fields.text(cfg.ui_version),
        service_version=fields.text(cfg.service_version),
        status=fields.text(cfg.status),
        taskrouter_workspace_sid=fields.text(cfg.taskrouter_workspace_sid),
        taskrouter_target_workflow_sid=fields.text(cfg.taskrouter_target_workflow_sid),
    )


def scan_flex_flows(ctx: ScanContext) -> list[FlexFlow]:
    flows = [
        FlexFlow(
            sid=fields.text(f.get("sid")) or "",
            friendly_name=fields.text(f.get("friendly_name")),
            chat_service_sid=fields.text(f.get("chat_service_sid")),
            channel_type=fields.text(f.get("channel_type")),
            contact_identity=fields.text(f.get("contact_identity")),
            enabled=fields.flag(f.get("enabled")),
            integration_type=fields.text(f.get("integration_type")),
            integration=fields.mapping(f.get("integration")),
            long_lived=fields.flag(f.get("long_lived")),
            janitor_enabled=fields.flag(f.get("janitor_enabled")),
            date_created=fields.timestamp(f.get("date_created")),
        )
        for f in list_records(ctx.client.flex_api.v1, "/FlexFlows", {"PageSize": PAGE_SIZE}, executor=ctx.prefetch)
    ]
    ctx.progress(f"flex flows: {len(flows)}")
    return flows

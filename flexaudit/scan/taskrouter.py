"""TaskRouter workspaces that Flex routes into: their workflows and task channels."""

from __future__ import annotations

from flexaudit.api.paging import fetch_record, list_records, path_segment
from flexaudit.model.inventory import TaskChannel, TaskRouterWorkspace, Workflow
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, string

PAGE_SIZE = 1000


def scan_taskrouter(ctx: ScanContext, needed: Needed) -> Scanned:
    """The Flex workspace and every workspace a task Flex Flow names."""
    config, flows = needed["flex_configuration"], needed["flex_flows"] or []
    sids = {config.taskrouter_workspace_sid} if config and config.taskrouter_workspace_sid else set()
    sids |= {(f.integration or {}).get("workspace_sid") for f in flows if f.integration_type == "task"}
    sids = sorted(s for s in sids if isinstance(s, str) and s)
    workspaces = [w for w in ctx.fetch_all(lambda sid: read_workspace(ctx, sid), sids) if w is not None]
    error = None if config is not None else "the Flex configuration could not be read, so the Flex workspace is unknown"
    return Scanned(workspaces, error)


def read_workspace(ctx: ScanContext, workspace_sid: str) -> TaskRouterWorkspace | None:
    """None when the workspace does not exist (rules then see its workflows as missing)."""
    version = ctx.client.taskrouter.v1
    base = f"/Workspaces/{path_segment(workspace_sid)}"
    info = fetch_record(version, base, missing_ok=True)
    if info is None:
        return None
    workflows = [from_record(Workflow, w) for w in list_records(version, f"{base}/Workflows", {"PageSize": PAGE_SIZE})]
    # Task channels take no paging parameters.
    channels = [from_record(TaskChannel, c) for c in list_records(version, f"{base}/TaskChannels")]
    return from_record(TaskRouterWorkspace, info, sid=string(info.get("sid")) or workspace_sid,
                       workflows=workflows, task_channels=channels)

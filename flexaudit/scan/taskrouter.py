"""TaskRouter workspaces that Flex routes into: their workflows and task channels."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.model.inventory import TaskChannel, TaskRouterWorkspace, Workflow
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records, path_segment

PAGE_SIZE = 1000


def scan_workspace(ctx: ScanContext, workspace_sid: str) -> TaskRouterWorkspace | None:
    """None when the workspace does not exist (rules then see its workflows as missing)."""
    ws = ctx.client.taskrouter.v1.workspaces(workspace_sid)
    try:
        info = ws.fetch()
    except TwilioRestException as exc:
        if exc.status == 404:
            return None
        raise
    base = f"/Workspaces/{path_segment(workspace_sid)}"
    workflows = [Workflow(sid=fields.text(w.get("sid")) or "", friendly_name=fields.text(w.get("friendly_name")))
                 for w in list_records(ctx.client.taskrouter.v1, f"{base}/Workflows", {"PageSize": PAGE_SIZE})]
    # Task channels take no paging parameters.
    channels = [TaskChannel(sid=fields.text(c.get("sid")) or "", unique_name=fields.text(c.get("unique_name")),
                            friendly_name=fields.text(c.get("friendly_name")))
                for c in list_records(ctx.client.taskrouter.v1, f"{base}/TaskChannels")]
    return TaskRouterWorkspace(sid=fields.text(info.sid) or workspace_sid, friendly_name=fields.text(info.friendly_name),
                               workflows=workflows, task_channels=channels)

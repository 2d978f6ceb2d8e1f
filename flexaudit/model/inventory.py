"""The Inventory: everything a scan learned about one account, as plain data.

Scanners fill it, rules read it, `flexaudit-inventory.json` is its serialised
form. It holds only what rules need plus the ids that name resources; large
collections (chat channels, proxy sessions, active conversations) are
summaries, never lists, so the snapshot carries no customer identities; source
code (Serverless functions, --code trees) is kept only as `path:line (pattern)`
locations, never as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

SCHEMA_VERSION = 1
SNAPSHOT_KIND = "flexaudit-inventory"

@dataclass
class Account:
    sid: str
    friendly_name: str | None = None
    status: str | None = None
    type: str | None = None


@dataclass
class PhoneNumber:
    sid: str
    phone_number: str | None
    friendly_name: str | None = None
    # {"voice": bool, "sms": bool, "mms": bool, "fax": bool}; None when Twilio sent none
    capabilities: dict[str, bool] | None = None
    sms_url: str | None = None
    sms_method: str | None = None
    sms_application_sid: str | None = None


@dataclass
class FlexConfiguration:
    account_sid: str | None = None
    chat_service_instance_sid: str | None = None
    flex_service_instance_sid: str | None = None
    messaging_service_instance_sid: str | None = None
    ui_version: str | None = None
    service_version: str | None = None
    status: str | None = None
    taskrouter_workspace_sid: str | None = None
    taskrouter_target_workflow_sid: str | None = None


@dataclass
class FlexFlow:
    sid: str
    friendly_name: str | None = None
    chat_service_sid: str | None = None
    channel_type: str | None = None
    contact_identity: str | None = None
    enabled: bool | None = None
    integration_type: str | None = None
    # Shape depends on integration_type (flow_sid / url / workspace_sid, workflow_sid, channel …);
    # always read with .get(): keys of other types may be absent or null.
    integration: dict | None = None
    long_lived: bool | None = None
    janitor_enabled: bool | None = None
    date_created: str | None = None


@dataclass
class StudioFlow:
    sid: str
    friendly_name: str | None = None
    status: str | None = None
    revision: int | None = None
    valid: bool | None = None
    errors: list | None = None
    warnings: list | None = None
    webhook_url: str | None = None
    # The latest revision's definition as Twilio returned it: normally a dict, but
    # kept verbatim (a string, a list, None) when it is not, so rules can judge it.
    definition: object = None
    date_updated: str | None = None


@dataclass
class PoolNumber:
    """A number in a Proxy or Messaging Service pool."""

    sid: str
    phone_number: str | None = None


@dataclass
class SessionSummary:
    """Proxy sessions, counted while streaming: no identifiers are kept."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    # open / in-progress sessions by the UTC day of their last activity
    # (last interaction, else start, else creation): lets FLX305 be judged for
    # any as-of date from the snapshot alone.
    open_by_last_activity_day: dict[str, int] = field(default_factory=dict)


@dataclass
class ProxyService:
    sid: str
    unique_name: str | None = None
    chat_instance_sid: str | None = None
    phone_numbers: list[PoolNumber] = field(default_factory=list)
    sessions: SessionSummary = field(default_factory=SessionSummary)


@dataclass
class MessagingService:
    sid: str
    friendly_name: str | None = None
    inbound_request_url: str | None = None
    use_inbound_webhook_on_number: bool | None = None
    phone_numbers: list[PoolNumber] = field(default_factory=list)


@dataclass
class ChannelSummary:
    """Chat channels (public and private), counted while streaming."""

    total: int = 0
    # channel `type` (public/private) -> count, split by the attributes' status
    active_by_type: dict[str, int] = field(default_factory=dict)
    inactive_by_type: dict[str, int] = field(default_factory=dict)
    # attributes `channel_type` (sms, whatsapp, web, … or "unknown") -> active count
    active_by_channel_type: dict[str, int] = field(default_factory=dict)
    # attributes that are not a JSON object: counted as active (status unknown)
    unparsable_attributes: int = 0


@dataclass
class ChatService:
    sid: str
    friendly_name: str | None = None
    channels: ChannelSummary = field(default_factory=ChannelSummary)


@dataclass
class ConversationsConfiguration:
    default_chat_service_sid: str | None = None
    default_messaging_service_sid: str | None = None


@dataclass
class AddressConfiguration:
    sid: str
    type: str | None = None
    address: str | None = None
    friendly_name: str | None = None
    auto_creation: dict | None = None


@dataclass
class ConversationService:
    """A Conversations service (IS…): Conversations and Programmable Chat share these SIDs."""

    sid: str
    friendly_name: str | None = None
    unique_name: str | None = None


@dataclass
class ConversationSummary:
    """The Flex conversation service's active conversations, counted while streaming: no
    identifier, author or attribute is kept."""

    service_sid: str | None = None
    active: int = 0
    # active conversations by the UTC day of their last update (date_updated, else
    # date_created): lets FLX508 be judged for any as-of date from the snapshot alone
    active_by_update_day: dict[str, int] = field(default_factory=dict)
    undated: int = 0  # active conversations with neither date


@dataclass
class CodeLocation:
    """Where source text uses a legacy API: a line and the pattern found on it, never the line's text."""

    line: int
    pattern: str


@dataclass
class FunctionVersion:
    """A Function Version (ZN…) deployed in at least one environment."""

    sid: str
    environments: list[str] = field(default_factory=list)  # unique names (else SIDs) of those environments
    legacy_api_use: list[CodeLocation] = field(default_factory=list)


@dataclass
class ServerlessFunction:
    sid: str  # ZH…
    path: str | None = None
    versions: list[FunctionVersion] = field(default_factory=list)


@dataclass
class ServerlessEnvironment:
    sid: str
    unique_name: str | None = None
    build_sid: str | None = None


@dataclass
class ServerlessService:
    sid: str
    unique_name: str | None = None
    friendly_name: str | None = None
    environments: list[ServerlessEnvironment] = field(default_factory=list)
    functions: list[ServerlessFunction] = field(default_factory=list)  # only those deployed somewhere


@dataclass
class FlexUiDependency:
    """`@twilio/flex-ui` as a package.json declares it."""

    section: str  # dependencies | devDependencies | peerDependencies
    range: str | None = None
    line: int | None = None


@dataclass
class CodeFile:
    """A local file with something to report; the text itself is never kept."""

    path: str  # relative to its --code root, '/'-separated (prefixed with the root's label when several)
    legacy_api_use: list[CodeLocation] = field(default_factory=list)
    flex_ui: list[FlexUiDependency] = field(default_factory=list)


@dataclass
class CodeTree:
    """One --code root, walked."""

    label: str  # the root directory's name (made unique when several roots share it)
    files_scanned: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why -> how many entries were not read
    files: list[CodeFile] = field(default_factory=list)


@dataclass
class Workflow:
    sid: str
    friendly_name: str | None = None


@dataclass
class TaskChannel:
    sid: str
    unique_name: str | None = None
    friendly_name: str | None = None


@dataclass
class TaskRouterWorkspace:
    sid: str
    friendly_name: str | None = None
    workflows: list[Workflow] = field(default_factory=list)
    task_channels: list[TaskChannel] = field(default_factory=list)


@dataclass
class LastInbound:
    """The newest message sent to one address: its date only. Body and sender are customer
    data and are never kept."""

    address: str  # +E.164 for sms, whatsapp:+E.164 for whatsapp
    last_inbound_at: str | None = None  # ISO 8601 UTC; None: no message found


@dataclass
class FamilyCoverage:
    complete: bool = True
    error: str | None = None
    # Why a complete family holds less than usual on purpose ("not requested (no --code)",
    # "not requested (--no-traffic)")
    note: str | None = None


def _family(name: str, **default):
    """An Inventory field that the scan of resource family `name` fills."""
    return field(metadata={"family": name}, **default)


@dataclass
class Inventory:
    account_sid: str
    scanned_at: str  # UTC, "YYYY-MM-DDTHH:MM:SSZ"
    tool_version: str = ""
    schema_version: int = SCHEMA_VERSION
    # One field (or a few) per resource family; coverage is recorded per family.
    account: Account | None = _family("account", default=None)
    phone_numbers: list[PhoneNumber] = _family("phone_numbers", default_factory=list)
    flex_configuration: FlexConfiguration | None = _family("flex_configuration", default=None)
    flex_flows: list[FlexFlow] = _family("flex_flows", default_factory=list)
    studio_flows: list[StudioFlow] = _family("studio", default_factory=list)
    proxy_services: list[ProxyService] = _family("proxy", default_factory=list)
    messaging_services: list[MessagingService] = _family("messaging", default_factory=list)
    chat_services: list[ChatService] = _family("chat", default_factory=list)
    conversations_configuration: ConversationsConfiguration | None = _family("conversations", default=None)
    address_configurations: list[AddressConfiguration] = _family("conversations", default_factory=list)
    taskrouter_workspaces: list[TaskRouterWorkspace] = _family("taskrouter", default_factory=list)
    conversation_services: list[ConversationService] = _family("conversation_services", default_factory=list)
    # None: no Flex conversation service to count (none configured, or it does not exist)
    active_conversations: ConversationSummary | None = _family("active_conversations", default=None)
    serverless_services: list[ServerlessService] = _family("serverless", default_factory=list)
    code_trees: list[CodeTree] = _family("code", default_factory=list)
    # one entry per enabled sms/whatsapp address read (Messages?To=<address>&PageSize=1)
    last_inbound: list[LastInbound] = _family("messages", default_factory=list)
    # family -> coverage; a family absent here was never attempted (treated as incomplete)
    coverage: dict[str, FamilyCoverage] = field(default_factory=dict)

    def is_complete(self, family: str) -> bool:
        cov = self.coverage.get(family)
        return cov is not None and cov.complete

    def incomplete_families(self) -> list[str]:
        return [f for f in FAMILIES if not self.is_complete(f)]


def family_fields(family: str) -> tuple[str, ...]:
    """The Inventory fields that family fills, in declaration order."""
    return tuple(f.name for f in fields(Inventory) if f.metadata.get("family") == family)


# The resource families a scan reads, in the Inventory's order: the order of
# coverage in every report.
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(
    f.metadata["family"] for f in fields(Inventory) if "family" in f.metadata))

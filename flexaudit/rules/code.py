"""6xx: custom code still on the legacy APIs.

The scan kept only where code uses a legacy API (`path:line (pattern)`) and
how each package.json declares @twilio/flex-ui; the rules judge those.
"""

from __future__ import annotations

from flexaudit.analysis.index import Context, text
from flexaudit.analysis.legacy_api import describe
from flexaudit.analysis.npm_range import major_bounds
from flexaudit.model.inventory import ServerlessFunction, ServerlessService
from flexaudit.rules.registry import Hit, rule

MAX_LOCATIONS = 10


def _locations(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LOCATIONS])
    more = len(items) - MAX_LOCATIONS
    return shown + (f" and {more} more" if more > 0 else "")


def function_name(service: ServerlessService, function: ServerlessFunction) -> str:
    """`<service unique_name>/<path>` (rules.md): `flex-helpers/close-chat`."""
    service_name = text(service.unique_name) or text(service.friendly_name) or str(service.sid)
    path = text(function.path) or str(function.sid)
    return f"{service_name}/{path.lstrip('/')}"


@rule("FLX601", families=("serverless",))
def flx601(ctx: Context):
    for service in sorted(ctx.inventory.serverless_services or [], key=lambda s: str(s.sid)):
        for function in sorted(service.functions or [], key=lambda f: str(f.sid)):
            path = text(function.path) or str(function.sid)
            uses = []
            for version in function.versions or []:
                if version.legacy_api_use:
                    where = ", ".join(text(e) for e in version.environments or []) or "an environment"
                    uses.append(f"deployed in {where} (version {version.sid}): "
                                f"{_locations(describe(path, version.legacy_api_use))}")
            if uses:
                yield Hit(
                    str(function.sid),
                    function_name(service, function),
                    f"Function {function_name(service, function)} ({function.sid}) still calls a legacy API, "
                    f"{'; '.join(uses)}.",
                )


def _code_files(ctx: Context):
    for tree in ctx.inventory.code_trees or []:
        yield from sorted(tree.files or [], key=lambda f: str(f.path))


@rule("FLX602", families=("code",))
def flx602(ctx: Context):
    for file in _code_files(ctx):
        if file.legacy_api_use:
            found = describe(str(file.path), file.legacy_api_use)
            yield Hit(str(file.path), str(file.path),
                      f"{file.path} still calls a legacy API: {_locations(found)}.")


def flex_ui_1(declared) -> bool:
    """A range whose highest admitted major version is 1 (`1.x`, `^1.`, `~1.`, `>=1 <2` …)."""
    bounds = major_bounds(declared.range) if isinstance(declared.range, str) else None
    return bounds is not None and bounds[0] <= 1 and bounds[1] == 1


@rule("FLX603", families=("code",))
def flx603(ctx: Context):
    for file in _code_files(ctx):
        old = [d for d in file.flex_ui or [] if flex_ui_1(d)]
        if old:
            where = "; ".join(f"{d.section} {d.range!r}" + (f" ({file.path}:{d.line})" if d.line else "") for d in old)
            yield Hit(str(file.path), str(file.path),
                      f"{file.path} depends on @twilio/flex-ui 1.x: {where}; a Flex UI 1.x plugin must be rebuilt for "
                      "Flex UI 2.x before Conversations tasks can show.")

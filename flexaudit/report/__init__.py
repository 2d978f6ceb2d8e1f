"""Reports: the Report model (`model.py`) and one renderer per output format.

`RENDERERS` maps each report file's key (`write.REPORT_FILES`: md, summary,
html, json, csv) to its renderer (a `ReportFormat`, see `interface.py`):
`.format` (the `--format` value that writes it), `.filename` (the contract's
file name) and `.render(report) -> str`. To add a file, write one module with a
`ReportFormat` subclass, name its file in `write.py` and register an instance in
`renderers.py`.

`RENDERERS` is built on first use: it imports jinja2 and compiles every
template (about 0.1 s), which a scan does while it waits for the network, not
before its first request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flexaudit.report.interface import ReportFormat

__all__ = ["RENDERERS", "ReportFormat"]


def __getattr__(name: str):
    if name == "RENDERERS":
        from flexaudit.report.renderers import RENDERERS

        return RENDERERS
    if name == "ReportFormat":
        from flexaudit.report.interface import ReportFormat

        return ReportFormat
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

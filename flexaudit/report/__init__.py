"""Reports: the Report model (`model.py`) and one renderer per output format.

`RENDERERS` maps each `--format` value to its renderer (a `ReportFormat`, see
`interface.py`): `.format`, `.filename` (the contract's file name) and
`.render(report) -> str`. To add a format, write one module with a
`ReportFormat` subclass and register an instance here.
"""

from __future__ import annotations

from flexaudit.report.csv_format import CsvFormat
from flexaudit.report.html import HtmlFormat
from flexaudit.report.interface import ReportFormat
from flexaudit.report.json_format import JsonFormat
from flexaudit.report.markdown import MarkdownFormat

RENDERERS: dict[str, ReportFormat] = {
    r.format: r for r in (MarkdownFormat(), HtmlFormat(), JsonFormat(), CsvFormat())
}

__all__ = ["RENDERERS", "ReportFormat"]

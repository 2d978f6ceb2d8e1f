"""flexaudit-report.json: the contract's schema_version 1, validated by schema/report-v1.schema.json."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from flexaudit.report.write import REPORT_FILES
from flexaudit.report.interface import ReportFormat
from flexaudit.report.model import Report, report_to_dict

@lru_cache(maxsize=None)
def load_schema(name: str = "report-v1") -> dict:
    """A JSON Schema (draft 2020-12) shipped in flexaudit/schema: `report-v1` (flexaudit-report.json),
    `fleet-v1` (flexaudit-fleet.json)."""
    return json.loads(resources.files("flexaudit").joinpath(f"schema/{name}.schema.json").read_text(encoding="utf-8"))


class JsonFormat(ReportFormat):
    format = "json"
    filename = REPORT_FILES["json"]
    media_type = "application/json"

    def render(self, report: Report) -> str:
        # ensure_ascii=False keeps names readable; the file is written as UTF-8.
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"

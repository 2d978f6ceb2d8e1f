"""flexaudit-addresses.csv: one row per legacy address (Flex Flow), for a migration tracker.

Rows in the order of the work (wave, then the idlest first); `finding_ids` are
the `FLX101:PN…` keys that waivers, `diff` and trackers share.

Spreadsheet-safe: a cell that a spreadsheet would read as a formula gets a
leading apostrophe (OWASP "CSV injection"), while phone numbers such as
+15551234567 stay as they are.
"""

from __future__ import annotations

import csv
import io
import re

from flexaudit.report.write import REPORT_FILES
from flexaudit.report.interface import ReportFormat
from flexaudit.report.model import Report, wave_of
from flexaudit.safe_text import one_line

COLUMNS = (
    "flex_flow_sid",
    "friendly_name",
    "channel_type",
    "contact_identity",
    "integration_type",
    "enabled",
    "wave",
    "readiness",
    "blockers",
    "last_inbound_at",
    "phone_number_sid",
    "studio_flow_sid",
    "finding_ids",
    "worst_severity",
    "step_count",
    "steps",
    "account_sid",
)

# Formula starters (=, @, tab, CR; + and - unless a plain signed number such as
# a phone number follows: digits, spaces, dots, dashes and parentheses only).
_FORMULA_START = re.compile(r"^[=@\t\r]")
_SIGNED = re.compile(r"^[+\-]")
_PLAIN_SIGNED_NUMBER = re.compile(r"^[+\-]\d[\d .()\-]*$")


def guard_cell(value: object) -> str:
    """A cell value that no spreadsheet evaluates as a formula."""
    if value is None:
        return ""
    text = str(value)
    probe = text.lstrip(" ")
    if _FORMULA_START.match(text) or _FORMULA_START.match(probe):
        return "'" + text
    if _SIGNED.match(probe) and not _PLAIN_SIGNED_NUMBER.match(probe):
        return "'" + text
    return text


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


class CsvFormat(ReportFormat):
    format = "csv"
    filename = REPORT_FILES["csv"]
    media_type = "text/csv"

    def render(self, report: Report) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        for a in report.addresses:
            worst = report.address_worst_severity(a)
            steps = "\n".join(f"{i}. {one_line(s)}" for i, s in enumerate(a.steps, start=1))
            row = (
                a.flex_flow_sid,
                one_line(a.friendly_name),
                one_line(a.channel_type),
                one_line(a.contact_identity),
                one_line(a.integration_type),
                _bool(a.enabled),
                wave_of(a),
                a.readiness,
                ";".join(one_line(b) for b in a.blockers),
                a.last_inbound_at or "",
                a.phone_number_sid or "",
                a.studio_flow_sid or "",
                ";".join(one_line(i) for i in a.finding_ids),
                worst.label if worst is not None else "",
                len(a.steps),
                steps,
                report.account_sid,
            )
            writer.writerow([guard_cell(v) for v in row])
        return buf.getvalue()

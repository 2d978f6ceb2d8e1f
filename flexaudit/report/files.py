"""The contract's file names: one report file per --format, and the inventory snapshot.

Kept apart from the renderers so that checking an output directory before a
scan does not import jinja2 and compile every template.
"""

from __future__ import annotations

REPORT_FILES = {
    "md": "flexaudit-report.md",
    "html": "flexaudit-report.html",
    "json": "flexaudit-report.json",
    "csv": "flexaudit-addresses.csv",
}
INVENTORY_FILE = "flexaudit-inventory.json"
# Where everything is when the Markdown report had to leave detail out.
FULL_DETAIL_FILES = (REPORT_FILES["html"], REPORT_FILES["csv"], REPORT_FILES["json"])

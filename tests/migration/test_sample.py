"""reports/migration/: the migration loop on the demo after its Flex UI 2.x upgrade, kept current."""

from __future__ import annotations

import subprocess
import sys

from tests.support import ROOT


def test_the_migration_sample_is_current():
    """Regenerate with `python reports/regenerate_migration.py` (its emulator, and the writes the
    sample's migrate scripts send to it, live in that subprocess)."""
    result = subprocess.run([sys.executable, str(ROOT / "reports" / "regenerate_migration.py"), "--check"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr

"""What the tests share: SIDs, builders of inventories and reports, the emulator's SDK client, data files."""

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
ROOT = DATA.parent.parent  # the repository

"""End-of-life dates the audit measures against (facts brief §5)."""

from datetime import date

# Programmable Chat for Flex (legacy messaging: Flex Flows, Chat, Proxy).
PROGRAMMABLE_CHAT_EOL = date(2026, 6, 1)
# Flex UI 1.x.
FLEX_UI_1_EOL = date(2024, 6, 30)


def as_date(value: date | str) -> date:
    """An as-of date given as a date or as YYYY-MM-DD."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def days_until(eol: date, as_of: date) -> int:
    """Days from as_of to eol: positive before it, 0 on the day, negative after."""
    return (eol - as_of).days

"""SIDs the tests share: well-formed (prefix + 32 hex), readable, and the same everywhere."""


def sid(prefix: str, n: int) -> str:
    """`sid("PN", 1)` is PN00000000000000000000000000000001."""
    return f"{prefix}{n:032x}"


ACCOUNT = sid("AC", 0xACC)

"""Exit codes of the contract and the one-line failure that carries one.

When several apply, the first in this order wins: 2, 4, 1, 3, 0.
"""

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_UNREACHABLE = 0, 1, 2, 3, 4
EXIT_INTERNAL = 70  # a bug in flexaudit itself (EX_SOFTWARE); FLEXAUDIT_DEBUG=1 also prints the traceback


class Failure(Exception):
    """A one-line error for the user, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code

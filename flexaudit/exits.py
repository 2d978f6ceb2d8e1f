"""Exit codes of the contract and the one-line failure that carries one."""

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_UNREACHABLE = 4  # Twilio could not be reached at all: nothing scanned, nothing written
EXIT_INTERNAL = 70  # a bug in flexaudit itself (EX_SOFTWARE); FLEXAUDIT_DEBUG=1 also prints the traceback

# When several apply (within one scan, or across the accounts of a fleet), the
# first of these wins; a bug in flexaudit outranks them all.
PRECEDENCE = (EXIT_INTERNAL, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK)


def first_exit_code(codes) -> int:
    """The exit code that wins among `codes` (EXIT_OK when there is none)."""
    present = set(codes)
    return next((code for code in PRECEDENCE if code in present), EXIT_OK)


class Failure(Exception):
    """A one-line error for the user, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code

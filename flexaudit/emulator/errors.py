"""Twilio's REST error body, and the exception handlers raise to produce one."""

from __future__ import annotations

# Twilio error code and message per HTTP status, as the real API answers them.
_BY_STATUS = {
    400: (20001, "Invalid request"),
    401: (20003, "Authenticate"),
    403: (20403, "Forbidden"),
    404: (20404, "The requested resource was not found"),
    405: (20004, "Method not allowed"),
    429: (20429, "Too many requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}


class TwilioError(Exception):
    """An error answer: HTTP status plus Twilio code and message."""

    def __init__(self, status: int, message: str | None = None, code: int | None = None):
        default_code, default_message = _BY_STATUS.get(status, (20000 + status, "Error"))
        self.status = status
        self.code = code if code is not None else default_code
        self.message = message if message is not None else default_message
        super().__init__(f"{self.status} {self.code} {self.message}")


def not_found(path: str) -> TwilioError:
    return TwilioError(404, f"The requested resource {path} was not found")


def error_body(error: TwilioError) -> dict:
    return {
        "code": error.code,
        "message": error.message,
        "more_info": f"https://www.twilio.com/docs/errors/{error.code}",
        "status": error.status,
    }

"""HTTP errors of the local server: ``{"error": {"code", "message"}}``, never an input value.

phimask's own errors map to the status codes the Lambda proxy routes use
(``phimask.aws.handlers.HTTP_STATUS``); anything else is a 500 with a fixed message.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from phimask.aws.handlers import HTTP_STATUS, classify
from phimask.errors import raised_at

log = logging.getLogger("phimask.server")


class ApiError(Exception):
    """An error response decided by the server itself (auth, limits, routing)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def from_exception(exc: BaseException, request_id: str) -> ApiError:
    """The response for an exception out of a handler; 5xx are logged without messages."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return ApiError(503, "ServiceBusy", "the vault is busy; try again later")
    code, message = classify(exc)
    status = HTTP_STATUS.get(code, 500)
    if status >= 500:
        where = raised_at(exc)
        # the message is not logged: a non-phimask exception may quote input
        log.error("request failed: code=%s type=%s at=%s request=%s", code, type(exc).__name__, where,
                  request_id)
        if code == "ProcessingFailed":
            message = f"the request could not be processed (request {request_id})"
    return ApiError(status, code, message)

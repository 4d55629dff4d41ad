"""Handler plumbing: PHI-safe errors and logs for Step Functions tasks and API routes.

Task handlers raise an exception whose class name is the error code Step Functions sees
(``InvalidInput``, ``ServiceBusy``, ``ProcessingFailed``...). Only phimask's own errors,
whose messages never contain input values, keep their message; anything else becomes
``ProcessingFailed`` with a fixed message. Logs carry codes, types, counts and ids only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from phimask.errors import PhimaskError, raised_at

log = logging.getLogger("phimask")
log.setLevel(logging.INFO)

Event = Mapping[str, Any]
Result = dict[str, Any]
THROTTLING = frozenset({
    "ThrottlingException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "RequestLimitExceeded", "SlowDown", "ServiceUnavailable", "ServiceUnavailableException",
})
HTTP_STATUS = {
    "InvalidInput": 400, "ImageUnsupported": 400, "Forbidden": 403, "NotFound": 404,
    "MessageNotFound": 404, "UnresolvedToken": 422, "MessageConflict": 409, "ServiceBusy": 503,
    "InvalidPolicy": 400, "DetectorFailed": 502, "OcrFailed": 502, "DetectorTimeout": 504,
}


class TaskError(Exception):
    """Raised out of a task handler; its class name is the Step Functions error name."""


_TASK_ERRORS: dict[str, type[TaskError]] = {}


def task_error(code: str, message: str) -> TaskError:
    """An exception of class ``code`` (created once) carrying ``message``."""
    if not code.isidentifier():
        code = "ProcessingFailed"
    if code not in _TASK_ERRORS:
        _TASK_ERRORS[code] = type(code, (TaskError,), {"__module__": __name__})
    return _TASK_ERRORS[code](message)


def classify(exc: BaseException) -> tuple[str, str]:
    """``(code, message)`` safe to show to callers and to keep in execution history."""
    if isinstance(exc, PhimaskError):
        return exc.code, str(exc)
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        aws_code = str(response.get("Error", {}).get("Code", ""))
        if aws_code in THROTTLING:
            return "ServiceBusy", "an AWS service is throttling requests; try again later"
        return "ProcessingFailed", f"an AWS service call failed ({aws_code or 'unknown error'})"
    return "ProcessingFailed", "the request could not be processed"


def _log_failure(name: str, exc: BaseException, code: str, request_id: str) -> None:
    # the exception's message is never logged: it may quote input for non-phimask errors
    log.error("%s failed: code=%s type=%s at=%s request=%s",
              name, code, type(exc).__name__, raised_at(exc), request_id)


def _name(func: Callable[..., Any], context: Any) -> str:
    return str(getattr(context, "function_name", func.__module__))


def _request_id(context: Any) -> str:
    return str(getattr(context, "aws_request_id", "local"))


def task_handler(func: Callable[[Event], Result]) -> Callable[[Event, Any], Result]:
    """Wrap a Step Functions task: ``func(event) -> result`` with PHI-safe failures."""

    @wraps(func)
    def handler(event: Event, context: Any = None) -> Result:
        started = time.perf_counter()
        try:
            result = func(event)
        except Exception as exc:
            code, message = classify(exc)
            _log_failure(_name(func, context), exc, code, _request_id(context))
            raise task_error(code, message) from None
        log.info("%s ok in %.0f ms request=%s", _name(func, context),
                 (time.perf_counter() - started) * 1000, _request_id(context))
        return result

    return handler


def api_handler(func: Callable[[Event], Result]) -> Callable[[Event, Any], Result]:
    """Wrap an API Gateway proxy route: JSON body out, ``{"error": {code, message}}`` on failure."""

    @wraps(func)
    def handler(event: Event, context: Any = None) -> Result:
        try:
            return _response(200, func(event))
        except Exception as exc:
            code, message = classify(exc)
            _log_failure(_name(func, context), exc, code, _request_id(context))
            return _response(HTTP_STATUS.get(code, 500), {"error": {"code": code, "message": message}})

    return handler


def _response(status: int, body: Result) -> Result:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body, ensure_ascii=False),
    }

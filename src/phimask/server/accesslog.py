"""Request ids and the structured access log (ASGI middleware).

Every response carries ``x-request-id``. Each request logs one JSON line on the
``phimask.server.access`` logger: method, route template (never the path as sent: object
keys may name patients), status, duration, role, error code, request id. No bodies, no
query values, no headers.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("phimask.server.access")
REQUEST_ID_HEADER = "x-request-id"
_SCOPE_KEY = "phimask.request"


@dataclass
class RequestInfo:
    """What the access log records; the endpoint fills in route, role and error."""

    request_id: str
    method: str
    started: float
    route: str | None = None
    role: str | None = None
    status: int = 0
    error: str | None = None

    def record(self) -> dict[str, Any]:
        return {"requestId": self.request_id, "method": self.method, "route": self.route,
                "status": self.status, "durationMs": round((time.perf_counter() - self.started) * 1000, 2),
                "role": self.role, "error": self.error}


def request_info(scope: Scope) -> RequestInfo:
    info: RequestInfo = scope[_SCOPE_KEY]
    return info


class AccessLog:
    """Outermost middleware: assigns the request id, adds its header, logs the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(uuid.uuid4().hex, str(scope["method"]), time.perf_counter())
        scope[_SCOPE_KEY] = info

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                info.status = int(message["status"])
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = info.request_id
                headers["cache-control"] = "no-store"
                headers["x-content-type-options"] = "nosniff"
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            info.status = info.status or 500
            raise
        finally:
            access_log.info(json.dumps(info.record(), separators=(",", ":")))

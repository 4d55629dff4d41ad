"""The ASGI application: one endpoint per route of ``phimask.routes.ROUTES``.

Each request: body read up to the limit (413) -> SigV4 verified (403) -> the route's roles
checked (403 AccessDenied) -> Content-Type (415) -> handler in a worker thread -> JSON.
Handlers are CPU-bound (detection) or blocking (SQLite, files), hence the thread pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from phimask.aws.images import MAX_IMAGE_BYTES
from phimask.aws.s3 import check_bucket, check_key
from phimask.routes import ROUTES, allowed
from phimask.routes import Route as ApiRoute
from phimask.server.accesslog import AccessLog, request_info
from phimask.server.auth import SignedRequest, verify
from phimask.server.config import ServerConfig
from phimask.server.errors import ApiError, error_body, from_exception
from phimask.server.handlers import HANDLERS, Call, Services
from phimask.server.presign import OBJECT_ROUTE
from phimask.server.schemas import check_content_type, query_params

Endpoint = Callable[[Request], Awaitable[Response]]
WORKER_THREADS = 8  # detection is CPU-bound and holds the GIL: more threads only add switching


def json_response(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refusing more than ``limit`` bytes (413) before reading all of it."""
    declared = request.headers.get("content-length", "")
    too_large = ApiError(413, "PayloadTooLarge", f"the request body is larger than the {limit // 1024} KiB "
                         "limit; use POST /batch for larger documents")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def signed_request(request: Request, body: bytes) -> SignedRequest:
    scope = request.scope
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    return SignedRequest(
        method=request.method, raw_path=raw_path.decode("latin-1"),
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=[(name.decode("latin-1").lower(), value.decode("latin-1"))
                 for name, value in scope["headers"]],
        body=body)


def api_endpoint(route: ApiRoute, services: Services) -> Endpoint:
    handler = HANDLERS[(route.method, route.path)]

    async def endpoint(request: Request) -> Response:
        info = request_info(request.scope)
        info.route = route.path
        try:
            body = await read_body(request, services.config.max_body_bytes)
            principal = verify(signed_request(request, body), services.config.credentials)
            info.role = principal.role.value
            if not allowed(principal.role, request.method, route.path):
                raise ApiError(403, "AccessDenied", f"the {principal.role.value} role may not call "
                               f"{route.method} {route.path}")
            if request.method == "POST":
                check_content_type(request.headers.get("content-type"))
            query = query_params(request.query_params.multi_items())
            call = Call(principal, body, query, str(request.base_url))
            result = await anyio.to_thread.run_sync(handler, services, call, limiter=services.workers)
        except Exception as exc:
            error = from_exception(exc, info.request_id)
            info.error = error.code
            return json_response(error.status, error_body(error.code, error.message))
        return json_response(200, result)

    return endpoint


def object_endpoint(services: Services) -> Endpoint:
    """GET /objects/{bucket}/{key}: the target of the presigned URLs of GET /image."""

    async def endpoint(request: Request) -> Response:
        info = request_info(request.scope)
        info.route = OBJECT_ROUTE
        bucket, key = request.path_params["bucket"], request.path_params["key"]
        try:
            services.presigner.check(bucket, key, request.query_params.get("expires"),
                                     request.query_params.get("signature"))
            check_bucket(bucket, services.config.buckets, "bucket")
            check_key(key, "key")
            data = await anyio.to_thread.run_sync(services.store.read, bucket, key, MAX_IMAGE_BYTES,
                                                  "the object", limiter=services.workers)
        except Exception as exc:
            error = from_exception(exc, info.request_id)
            info.error = error.code
            return json_response(error.status, error_body(error.code, error.message))
        return Response(data, media_type="application/octet-stream",
                        headers={"content-disposition": "attachment"})

    return endpoint


async def _http_error(request: Request, exc: Exception) -> Response:
    info = request_info(request.scope)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code, message = {404: ("NotFound", "no such route: see the routes in docs/server.md"),
                     405: ("MethodNotAllowed", "this route does not take this method")}.get(
        status, ("ProcessingFailed", f"the request could not be processed (request {info.request_id})"))
    info.error = code
    return json_response(status, error_body(code, message))


def create_app(config: ServerConfig) -> ASGIApp:
    """The server's ASGI app (its services are opened now and closed at shutdown)."""
    missing = {(r.method, r.path) for r in ROUTES} ^ set(HANDLERS)
    if missing:
        raise RuntimeError(f"routes without a handler, or handlers without a route: {sorted(missing)}")
    services = Services(config)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        services.workers = CapacityLimiter(WORKER_THREADS)  # made inside the server's event loop
        try:
            yield
        finally:
            services.close()

    routes = [Route(r.path, api_endpoint(r, services), methods=[r.method]) for r in ROUTES]
    routes.append(Route(OBJECT_ROUTE, object_endpoint(services), methods=["GET"]))
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: _http_error, 405: _http_error, Exception: _http_error})
    app.router.redirect_slashes = False
    return AccessLog(app)

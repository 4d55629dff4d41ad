"""Running the app under uvicorn: in the foreground (``phimask serve``) or in a thread
(tests, the load bench)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

MAX_CONNECTIONS = 256  # beyond this uvicorn answers 503 instead of queueing without bound


def make_server(app: ASGIApp, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=host, port=port, lifespan="on",
        log_config=None, access_log=False,  # uvicorn's access log prints paths and query strings
        server_header=False, limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5,
        h11_max_incomplete_event_size=32 * 1024, timeout_graceful_shutdown=10)
    logging.getLogger("uvicorn.access").disabled = True  # even if someone gave it handlers
    return uvicorn.Server(config)


def serve(app: ASGIApp, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM shut down gracefully)."""
    make_server(app, host, port).run()


@contextmanager
def running(app: ASGIApp, host: str = "127.0.0.1", port: int = 0,
            timeout: float = 30.0) -> Iterator[str]:
    """Serve ``app`` in a background thread; yields its base URL (port 0: a free port)."""
    server = make_server(app, host, port)  # uvicorn binds (and sets TCP_NODELAY on connections)
    thread = threading.Thread(target=server.run, name="phimask-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{f'[{host}]' if ':' in host else host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout)

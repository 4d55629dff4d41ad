"""One live server for the suite: uvicorn on a free loopback port, in a thread."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from serverharness import INPUT, OUTPUT, LogCapture, Server, SignedClient, fake_ocr, fake_redact

from phimask.aws import images
from phimask.routes import Role
from phimask.server.app import create_app
from phimask.server.config import ServerConfig
from phimask.server.credentials import init_credentials
from phimask.server.runner import running

ALLOWED = frozenset({INPUT, OUTPUT, "phimask-other"})


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("server-home")
    credentials = init_credentials(home / "server-credentials.json")
    config = ServerConfig(credentials, home, home / "buckets", ALLOWED, OUTPUT)
    logs = LogCapture()
    loggers = [logging.getLogger(name) for name in ("phimask", "uvicorn")]
    for logger in loggers:
        logger.addHandler(logs)
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    try:
        with running(create_app(config)) as base_url, httpx.Client(timeout=30) as http:
            yield Server(base_url, credentials, home, config.data_dir, logs, http)
    finally:
        for logger, level in zip(loggers, previous, strict=True):
            logger.removeHandler(logs)
            logger.setLevel(level)


@pytest.fixture
def mask_only(server: Server) -> SignedClient:
    return server.client(Role.MASK_ONLY)


@pytest.fixture
def full(server: Server) -> SignedClient:
    return server.client(Role.FULL_ACCESS)


@pytest.fixture
def reid(server: Server) -> SignedClient:
    return server.client(Role.REIDENTIFY)


@pytest.fixture
def fake_images(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR and redaction stand-ins (the server thread calls them through ``phimask.aws.images``)."""
    monkeypatch.setattr(images, "ocr_words", fake_ocr)
    monkeypatch.setattr(images, "redact", fake_redact)

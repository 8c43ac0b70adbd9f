"""Run the sandbox in a background thread of the current process.

``tas-import --sandbox`` and the tests use it: the server listens on a free port of
127.0.0.1, and the context manager yields its base URL once it accepts connections.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from tas_import.sandbox.app import create_app
from tas_import.sandbox.faults import FaultPlan
from tas_import.sandbox.store import CaseStore
from tas_import.templates import Template

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 15.0
SHUTDOWN_TIMEOUT_SECONDS = 15.0


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on ``host:port`` (port 0: a free port) so the real port is known."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only then,
    # and without it every keep-alive response waits about 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def build_server(
    templates: dict[int, Template],
    store: CaseStore,
    token: str,
    faults: FaultPlan | None,
    *,
    log_level: str = "warning",
) -> uvicorn.Server:
    app = create_app(templates, store, token, faults)
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        # h11 on every machine, so connection drops behave the same with or without httptools.
        http="h11",
        # Keep-alive longer than the client's idle connections, so an idle connection is
        # never closed under a request the client is about to send.
        timeout_keep_alive=60,
        # A slow-after-commit request may sleep for a minute; do not wait for it on exit.
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


@contextmanager
def run_sandbox(
    templates: dict[int, Template],
    db_path: Path,
    token: str,
    faults: FaultPlan | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Run the sandbox on ``host:port`` in a thread and yield its base URL until exit."""
    store = CaseStore(db_path)
    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    server = build_server(templates, store, token, faults)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="tas-sandbox", daemon=True
    )
    thread.start()

    try:
        _wait_until_started(server, thread)
        url = f"http://{host}:{bound_port}" if ":" not in host else f"http://[{host}]:{bound_port}"
        logger.info("sandbox listening on %s, cases in %s", url, db_path)
        yield url
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        if thread.is_alive():
            logger.warning("sandbox thread did not stop within %ss", SHUTDOWN_TIMEOUT_SECONDS)
        sock.close()
        store.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server stopped during startup")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox did not start within {STARTUP_TIMEOUT_SECONDS}s")
        time.sleep(0.01)

"""Helpers the test packages share: a free loopback port, a WSGI app served on loopback, a
fixture module loaded from its file."""

from __future__ import annotations

import importlib.util
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 (for a server a test starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_wsgi(app: Any, *, ssl_context: Any = None, join_seconds: float = 5) -> Iterator[BaseWSGIServer]:
    """``app`` served by a threaded server on 127.0.0.1 (a free port) until the block ends;
    ``server.server_port`` is the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(join_seconds)


def load_module(path: Path, name: str) -> ModuleType:
    """The Python file ``path`` (a fixture that is not in a package) imported as ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

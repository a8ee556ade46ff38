"""A throwaway PostgreSQL cluster on loopback for the tests (Debian's postgresql package).

The cluster lives in a temporary folder, listens on 127.0.0.1 on a free port and is
removed afterwards. PostgreSQL refuses to run as root, so as root it runs as the
``postgres`` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def run(*args: str) -> None:
    subprocess.run(_as_server_user(list(args)), check=True, capture_output=True, text=True)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster and yield a SQLAlchemy URL (psycopg 3) to an empty database."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL is not installed (apt-get install postgresql); `make test` installs it"
        )
    root = Path(tempfile.mkdtemp(prefix="monitor-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-locale",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=off"
        )
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "monitor")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/monitor"
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def reset_database(url: str) -> None:
    """Drop every table, so each test starts from an empty store."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine.dispose()

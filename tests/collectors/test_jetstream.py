from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from collectors.http import CollectorError
from collectors.jetstream import JetstreamCollector, JetstreamOptions
from monitor.store import Store

EVENTS = (Path(__file__).parent.parent / "fixtures/replay/jetstream/events.ndjson").read_text().splitlines()
QUERY = "tiktok AND (ban OR rednote OR 小红书)"


class Firehose:
    """A local Jetstream: replays the fixture events from the requested cursor; the
    first connection drops after ``drop_after`` events, like a flaky network."""

    def __init__(self, drop_after: int | None = None) -> None:
        self.drop_after = drop_after
        self.requests: list[dict[str, list[str]]] = []
        self.server = serve(self.handle, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"

    def handle(self, connection: ServerConnection) -> None:
        params = parse_qs(urlsplit(connection.request.path).query)
        self.requests.append(params)
        since = int(params.get("cursor", ["0"])[0])
        sent = 0
        for line in EVENTS:
            try:
                if json.loads(line)["time_us"] < since:
                    continue
            except (ValueError, KeyError):
                pass
            if self.drop_after is not None and len(self.requests) == 1 and sent == self.drop_after:
                connection.close(1011, "going away")
                return
            connection.send(line)
            sent += 1
        try:
            connection.recv()  # stay open until the client leaves
        except ConnectionClosed:
            pass


@pytest.fixture
def firehose() -> Iterator[Firehose]:
    hose = Firehose(drop_after=3)
    hose.thread.start()
    yield hose
    hose.server.shutdown()


def make(url: str, **overrides) -> JetstreamCollector:
    options = {
        "base_url": url,
        "query": QUERY,
        "duration": "5s",
        "max_events": 11,  # 3 before the drop, then 8 from the rewound cursor
        "rewind": "0.001s",
        "batch_events": 2,
        "batch_seconds": 0.2,
        "backoff": 0.01,
        "retries": 2,
        "timeout": 2,
        **overrides,
    }
    return JetstreamCollector("jet", JetstreamOptions.model_validate(options))


def test_filters_the_firehose_and_resumes_after_a_dropped_connection(firehose, collect, store: Store) -> None:
    result, run = collect(make(firehose.url), "jet")
    assert run["status"] == "ok"
    with store.engine.connect() as conn:
        texts = sorted(t for (t,) in conn.exec_driver_sql("SELECT text FROM posts").all())
    assert texts == [
        "RedNote and the tiktok ban, day two",
        "TikTok ban tomorrow, see you all on RedNote",
        "the tiktok ban is a free speech issue",
        "小红书 is full of TikTok refugees tonight",
    ]
    first, second = firehose.requests[:2]
    assert first["wantedCollections"] == ["app.bsky.feed.post"] and "cursor" not in first
    # Reconnected from the last event seen (1737150000003000), rewound by 1 ms.
    assert second["cursor"] == [str(1737150000003000 - 1000)]
    reasons = sorted(r["reason"] for r in store.recent_rejects())
    assert reasons[0].startswith("KeyError") and reasons[1].startswith("event is not JSON")
    assert store.get_cursor("jet") == 1737150000008000


def test_the_next_run_starts_from_the_saved_time_us(firehose, collect, store: Store) -> None:
    collect(make(firehose.url), "jet")
    collect(make(firehose.url, max_events=1), "jet")
    assert firehose.requests[-1]["cursor"] == [str(1737150000008000 - 1000)]
    assert store.posts_per_platform() == {"bluesky": 4}


def test_posts_share_ids_with_the_search_collector(firehose, collect, store: Store) -> None:
    collect(make(firehose.url), "jet")
    with store.engine.connect() as conn:
        ids = {i for (i,) in conn.exec_driver_sql("SELECT id FROM posts").all()}
    assert "bluesky:at://did:plc:jet0001/app.bsky.feed.post/3lfjet0000001" in ids


def test_a_server_that_never_answers_fails_after_the_retries(collect, store: Store) -> None:
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(CollectorError, match="retries|Connection|refused|Errno"):
        collect(make(f"ws://127.0.0.1:{port}/subscribe"), "jet")
    assert store.last_runs(1)[0]["status"] == "failed"


@pytest.mark.skipif(not os.environ.get("BAN_MONITOR_LIVE"), reason="live smoke test: set BAN_MONITOR_LIVE=1")
def test_live_firehose(collect) -> None:
    from pytest_socket import enable_socket

    enable_socket()
    _, run = collect(JetstreamCollector("live", JetstreamOptions(query="the", duration="5s")), "live")
    assert run["status"] == "ok"

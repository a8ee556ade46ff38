"""Access to the dashboard: loopback by default; any other address only with auth
configured; with auth on, every route Flask serves (pages, assets, Dash's ``_dash-*``
endpoints) answers 401 without valid credentials."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from werkzeug.security import generate_password_hash

from dashboard.app import create_app, serve
from dashboard.auth import DashboardAuth
from dashboard.shell import PAGES
from monitor.config import Config, ConfigError, DashboardConfig, is_loopback, load_config
from monitor.store import Store

ROOT = Path(__file__).parents[2]
PASSWORD = "correct horse battery staple"
TOKEN = "t0ken-" + "x" * 40
# Cheap hashes keep the suite fast; the format is the one production uses.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
# The Sources page's table callback, as the browser posts it.
UPDATE = {
    "output": "sources-table.children",
    "outputs": {"id": "sources-table", "property": "children"},
    "inputs": [
        {"id": "bm-data-version", "property": "data", "value": {"posts": 0}},
        {"id": "bm-tick", "property": "n_intervals", "value": 1},
    ],
    "changedPropIds": ["bm-tick.n_intervals"],
    "state": [],
}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def plain_store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'monitor.db'}")


@pytest.fixture
def protected(plain_store: Store, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BM_TEST_DASHBOARD_TOKEN", TOKEN)
    config = Config(
        store=plain_store.url,
        sources=[{"name": "sample", "type": "sample"}],
        dashboard={
            "host": "0.0.0.0",
            "auth": {"basic_users": {"analyst": PASSWORD_HASH}, "token_env": "BM_TEST_DASHBOARD_TOKEN"},
        },
    )
    return create_app(config, plain_store)


def every_route(app: Any) -> list[tuple[str, str]]:
    """(method, URL) for every page and every URL rule the Flask server has, with real
    asset and component-suite paths taken from the (authenticated) index page."""
    index = app.server.test_client().get("/", headers=BEARER).get_data(as_text=True)
    suite = re.search(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert suite, "the index page names no component suite"
    concrete = {
        "/static/<path:filename>": "/static/anything.js",
        "/assets/<path:filename>": "/assets/style.css",
        "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": suite[1],
        "/<path:path>": "/no-such-page",
    }
    found = [("GET", path) for _, path, _ in PAGES]
    for rule in app.server.url_map.iter_rules():
        url = concrete.get(rule.rule, rule.rule)
        found.append(("POST" if "POST" in rule.methods else "GET", url))
    assert {url for _, url in found} >= {"/_dash-layout", "/_dash-dependencies", "/_dash-update-component"}
    return found


def request(app: Any, method: str, url: str, headers: dict[str, str] | None = None) -> Any:
    client = app.server.test_client()
    if method == "POST":
        return client.post(url, json=UPDATE, headers=headers or {})
    return client.get(url, headers=headers or {})


def test_the_dashboard_binds_to_loopback_by_default() -> None:
    assert DashboardConfig().host == "127.0.0.1"
    assert load_config(ROOT / "configs" / "monitor.yaml", env={}).dashboard.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.4.5", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("monitor.example.org", False),
    ],
)
def test_loopback_is_recognised(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_config_listening_beyond_loopback_without_auth_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump({"dashboard": {"host": "0.0.0.0"}}))
    with pytest.raises(ConfigError, match=r"dashboard: .*'0\.0\.0\.0'.*no authentication.*dashboard\.auth"):
        load_config(path, env={})


def test_serve_refuses_a_public_host_without_auth_before_binding(plain_store: Store) -> None:
    config = Config(store=plain_store.url)
    with pytest.raises(ConfigError, match="no authentication"):
        serve(config, plain_store, host="0.0.0.0", port=1)  # port 1 would fail if it got that far


def test_monitor_run_refuses_a_public_dashboard_host_at_once(tmp_path: Path) -> None:
    config = tmp_path / "monitor.yaml"
    config.write_text(yaml.safe_dump({"sources": [{"name": "sample", "type": "sample"}]}))
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "run", "--host", "0.0.0.0"],
        cwd=ROOT,
        env={
            "MONITOR_CONFIG": str(config),
            "MONITOR_DB_URL": f"sqlite:///{tmp_path / 'm.db'}",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "no authentication" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "m.db").exists() or Store(f"sqlite:///{tmp_path / 'm.db'}").last_runs() == []


def test_plain_passwords_in_the_config_are_refused_and_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump({"dashboard": {"auth": {"basic_users": {"analyst": "hunter2-secret"}}}}))
    with pytest.raises(ConfigError) as raised:
        load_config(path, env={})
    assert "not a plain password" in str(raised.value)
    assert "hunter2-secret" not in str(raised.value)


def test_a_token_variable_that_is_unset_or_short_is_refused() -> None:
    config = DashboardConfig(auth={"token_env": "BM_TEST_TOKEN"}).auth
    assert config is not None
    with pytest.raises(ConfigError, match="BM_TEST_TOKEN is not set"):
        DashboardAuth(config, env={})
    with pytest.raises(ConfigError, match="shorter than 16"):
        DashboardAuth(config, env={"BM_TEST_TOKEN": "short"})


def test_every_route_answers_401_without_credentials(protected: Any) -> None:
    for method, url in every_route(protected):
        response = request(protected, method, url)
        assert response.status_code == 401, (method, url, response.status_code)
        challenges = response.headers.getlist("WWW-Authenticate")
        assert sorted(c.split()[0] for c in challenges) == ["Basic", "Bearer"]
        assert b"ban-monitor" not in response.data  # nothing of the app leaks into the 401


@pytest.mark.parametrize(
    "headers",
    [
        basic("analyst", "wrong password"),
        basic("intruder", PASSWORD),
        basic("analyst", ""),
        {"Authorization": "Basic not-base64!!"},
        {"Authorization": "Basic " + base64.b64encode(b"no colon").decode()},
        {"Authorization": "Bearer " + TOKEN[:-1]},
        {"Authorization": "Bearer " + TOKEN + "x"},
        {"Authorization": TOKEN},
        {"Authorization": "Digest username=analyst"},
    ],
    ids=[
        "wrong-password",
        "unknown-user",
        "empty-password",
        "bad-base64",
        "no-colon",
        "short-token",
        "long-token",
        "no-scheme",
        "other-scheme",
    ],
)
def test_wrong_credentials_get_401_on_pages_and_callbacks(protected: Any, headers: dict[str, str]) -> None:
    assert request(protected, "GET", "/posts", headers).status_code == 401
    assert request(protected, "GET", "/_dash-layout", headers).status_code == 401
    assert request(protected, "POST", "/_dash-update-component", headers).status_code == 401


@pytest.mark.parametrize("headers", [basic("analyst", PASSWORD), BEARER], ids=["basic", "bearer"])
def test_valid_credentials_open_every_page_and_callback(protected: Any, headers: dict[str, str]) -> None:
    for method, url in every_route(protected):
        if url in ("/static/anything.js", "/_reload-hash"):
            continue  # no such file; the reload hash exists only in debug mode
        response = request(protected, method, url, headers)
        assert response.status_code in (200, 204), (method, url, response.status_code)


def test_a_dashboard_on_loopback_without_auth_stays_open(plain_store: Store) -> None:
    app = create_app(Config(store=plain_store.url), plain_store)
    assert app.server.test_client().get("/_dash-layout").status_code == 200

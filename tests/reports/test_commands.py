"""``monitor report run NAME [--window-end]`` and ``monitor report list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from monitor.reports.commands import report_app
from monitor.reports.runs import report_run_list
from monitor.store import Store


@pytest.fixture
def config_path(known_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    reports = [
        {
            "name": "brief",
            "schedule": "0 7 * * *",
            "timezone": "Europe/Berlin",
            "window": "24h",
            "formats": ["html", "csv"],
            "output_dir": str(tmp_path / "reports"),
        },
        {"name": "weekly", "schedule": "0 8 * * 1", "window": "previous week", "enabled": False},
    ]
    path = tmp_path / "monitor.yaml"
    path.write_text(yaml.safe_dump({"store": known_store.url, "reports": reports}), encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    monkeypatch.delenv("MONITOR_DB_URL", raising=False)
    return path


def test_report_run_makes_the_report_for_the_given_window(known_store: Store, config_path: Path) -> None:
    result = CliRunner().invoke(report_app, ["run", "brief", "--window-end", "2025-01-19T08:00"])
    assert result.exit_code == 0, result.output
    assert "report brief: ok" in result.output
    (run,) = report_run_list(known_store)
    assert run.trigger == "manual"
    assert run.window_end.isoformat() == "2025-01-19T07:00:00+00:00"  # 08:00 in Berlin
    assert Path(run.folder, "brief-20250119-0800.html").exists()


def test_an_unknown_report_is_one_clear_line(config_path: Path) -> None:
    result = CliRunner().invoke(report_app, ["run", "nope"])
    assert result.exit_code == 1
    assert "no report named 'nope'" in result.output and "brief, weekly" in result.output


def test_report_list_shows_next_run_and_last_result(known_store: Store, config_path: Path) -> None:
    CliRunner().invoke(report_app, ["run", "brief", "--window-end", "2025-01-19T08:00"])
    result = CliRunner().invoke(report_app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["brief"]["last_status"] == "ok"
    assert rows["brief"]["next_run"].endswith(("07:00:00+01:00", "07:00:00+02:00"))
    assert rows["weekly"]["next_run"] is None and rows["weekly"]["last_status"] is None
    table = CliRunner().invoke(report_app, ["list"])
    assert "brief" in table.output and "never run" in table.output

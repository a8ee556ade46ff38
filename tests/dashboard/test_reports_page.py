"""The Reports page lists past runs and serves only the files a run recorded."""

from __future__ import annotations

from pathlib import Path

from dashboard.app import create_app
from monitor.config import Config
from monitor.reports.runs import past_report_runs
from monitor.store import Store, report_runs


def add_run(store: Store, folder: Path, files: list[str]) -> int:
    import json

    with store.begin() as conn:
        return conn.execute(
            report_runs.insert()
            .values(
                report="morning-brief",
                trigger="manual",
                window_start=1_737_072_000,
                window_end=1_737_158_400,
                started_at=1_737_158_500,
                finished_at=1_737_158_560,
                status="ok",
                folder=str(folder),
                files=json.dumps(files),
                deliveries="[]",
            )
            .returning(report_runs.c.id)
        ).scalar_one()


def test_reports_page_serves_only_recorded_files(tmp_path: Path) -> None:
    from dashboard.pages.reports import reports_table

    store = Store(f"sqlite:///{tmp_path / 'monitor.db'}")
    folder = tmp_path / "reports" / "morning-brief" / "20250118-0700"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("<html>brief</html>", encoding="utf-8")
    (folder / "secret.txt").write_text("not listed", encoding="utf-8")
    (tmp_path / "monitor.yaml").write_text("x", encoding="utf-8")
    run_id = add_run(store, folder, ["report.html"])
    client = create_app(Config(store=store.url), store).server.test_client()

    page = client.get(f"/report-files/{run_id}/report.html")
    assert page.status_code == 200 and b"brief" in page.data
    download = client.get(f"/report-files/{run_id}/report.html?download=1")
    assert "attachment" in download.headers["Content-Disposition"]
    for path in ("secret.txt", "../../../monitor.yaml", "..%2F..%2F..%2Fmonitor.yaml"):
        assert client.get(f"/report-files/{run_id}/{path}").status_code == 404
    assert client.get(f"/report-files/{run_id + 1}/report.html").status_code == 404

    table = str(reports_table(past_report_runs(store)))
    assert "morning-brief" in table and f"/report-files/{run_id}/report.html" in table

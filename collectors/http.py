"""HTTP for every live collector: one polite client with retries, backoff and rate limits.

Timeouts, connection errors and 5xx answers are retried with exponential backoff and
jitter; a 429 waits for ``Retry-After`` (or the platform's rate-limit reset header); each
source keeps its own request rate. A body that is not JSON raises ``BadResponse`` so the
collector can keep it as a reject and go on. Secrets never reach messages: URLs are
redacted and credentials are read from the environment variables the config names.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from collectors.query import Query, QueryError, parse_query
from monitor.config import parse_duration
from monitor.models import MAX_COUNT, Post, Reject, raw_json
from monitor.sources import Batch

log = logging.getLogger(__name__)

USER_AGENT = "ban-monitor/0.1 (social-media sentiment research; +https://example.org/ban-monitor)"

# Query parameters that carry secrets (YouTube's key, OAuth tokens): shown as "***".
SECRET_PARAMS = frozenset({"key", "api_key", "apikey", "access_token", "token", "client_secret", "password"})

# Headers that say when a rate limit resets, per platform: seconds to wait or an epoch.
_RESET_HEADERS = ("x-ratelimit-reset", "x-rate-limit-reset", "ratelimit-reset")
_REMAINING_HEADERS = ("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 524})


# A duration in config: "30s", "5m", "1h", "2d" or seconds.
Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class CollectorError(Exception):
    """A source cannot be collected right now (credentials, a dead endpoint, retries spent)."""


class MissingCredential(CollectorError):
    """A credential's environment variable is not set."""


class FetchError(CollectorError):
    """A request failed after every retry; the message names the (redacted) URL."""

    def __init__(self, message: str, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class BadResponse(CollectorError):
    """A response arrived but cannot be used (not JSON, wrong shape); kept as a reject."""

    def __init__(self, url: str, reason: str, body: str | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.body = body

    def reject(self, source: str) -> Reject:
        return Reject(source, self.url, self.reason, self.body)


class Stopped(Exception):
    """The service asked the collector to stop while it was waiting."""


class HttpOptions(BaseModel):
    """Options every HTTP collector shares; each collector adds its own."""

    model_config = ConfigDict(extra="forbid")

    base_url: str
    query: str | None = Field(default=None, description="boolean keyword query, applied by API and locally")
    page_size: int = Field(default=100, ge=1, le=1000)
    max_pages: int = Field(default=10, ge=1, le=100_000, description="pages per run, at most")
    requests_per_minute: float = Field(default=60, gt=0)
    timeout: float = Field(default=30, gt=0, description="seconds per request")
    retries: int = Field(default=5, ge=0, le=20)
    backoff: float = Field(default=1.0, ge=0, description="first retry wait in seconds; doubles each time")
    max_wait: float = Field(default=900, ge=0, description="longest wait for a rate limit, seconds")
    user_agent: str = USER_AGENT
    verify_tls: bool = Field(
        default=True, description="check TLS certificates; turn off only for a known host, with care"
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_query(value)
            except QueryError as err:
                raise ValueError(str(err)) from None
        return value

    def parsed_query(self) -> Query | None:
        return parse_query(self.query)


def secret_from_env(variable: str, what: str) -> str:
    """The secret in ``variable``, or a clear error naming the variable (never the value)."""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise MissingCredential(f"{what}: environment variable {variable} is not set")
    return value


def redact_url(url: str | httpx.URL) -> str:
    """The URL with secret query parameters (``key``, ``access_token``, ...) hidden."""
    parts = urlsplit(str(url))
    if not parts.query:
        return str(url)
    pairs = [
        (name, "***" if name.lower() in SECRET_PARAMS else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="*:,()[]")))


class RedactUrls(logging.Filter):
    """Hides secret query parameters in the URLs httpx logs (``HTTP Request: GET url``),
    so a key sent as ``?key=`` (YouTube) never reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_url(arg) if isinstance(arg, httpx.URL) or _looks_like_url(arg) else arg
                for arg in record.args
            )
        return True


def _looks_like_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


# Attached once, when the first HTTP collector module is imported.
if not any(isinstance(f, RedactUrls) for f in logging.getLogger("httpx").filters):
    logging.getLogger("httpx").addFilter(RedactUrls())


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """How long a 429 (or 503) asks us to wait: ``Retry-After`` in seconds or as an HTTP
    date, else a rate-limit reset header (seconds to wait, or an epoch when large)."""
    now = time.time() if now is None else now
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                moment = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                moment = None
            if moment is not None:
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                return max(0.0, moment.timestamp() - now)
    for name in _RESET_HEADERS:
        reset = headers.get(name)
        if reset:
            try:
                number = float(reset)
            except ValueError:
                continue
            return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)
    return None


class HttpClient:
    """One source's HTTP session: a descriptive User-Agent, a minimum gap between requests,
    retries with backoff and jitter, and waits that end early when ``stop`` is set."""

    def __init__(
        self,
        options: HttpOptions,
        *,
        stop: threading.Event | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.options = options
        self.stop = stop or threading.Event()
        self._interval = 60.0 / options.requests_per_minute
        self._last_request = 0.0
        self._not_before = 0.0
        if not options.verify_tls:
            log.warning(
                "TLS certificate verification is OFF for %s (verify_tls: false): anyone on the path "
                "can read and change this source's traffic, credentials included",
                redact_url(options.base_url),
            )
        self._client = httpx.Client(
            headers={"User-Agent": options.user_agent, "Accept": "application/json", **(headers or {})},
            timeout=options.timeout,
            follow_redirects=True,
            transport=transport,
            verify=options.verify_tls,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def set_header(self, name: str, value: str) -> None:
        self._client.headers[name] = value

    def wait(self, seconds: float) -> None:
        """Sleep, unless the service is stopping: then raise ``Stopped``."""
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped()
        if self.stop.is_set():
            raise Stopped()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on timeouts, connection errors, 5xx and 429. Raises
        ``FetchError`` when retries are spent or the answer is another 4xx."""
        attempt = 0
        shown = url
        while True:
            self._pace()
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.TimeoutException as err:
                shown = redact_url(_request_url(err, url))
                problem, status, retry_wait = f"timed out after {self.options.timeout:g}s", None, None
            except httpx.TransportError as err:
                shown = redact_url(_request_url(err, url))
                problem, status, retry_wait = f"connection failed ({type(err).__name__})", None, None
            else:
                shown = redact_url(response.url)
                self._note_rate_limit(response.headers)
                if response.status_code < 400 or response.status_code == 304:
                    return response
                status = response.status_code
                problem = f"HTTP {status}"
                if status not in RETRY_STATUSES:
                    raise FetchError(f"{shown}: {problem}{_error_hint(response)}", shown, status)
                retry_wait = retry_after_seconds(response.headers) if status in (429, 503) else None
            if attempt >= self.options.retries:
                raise FetchError(f"{shown}: {problem} (gave up after {attempt + 1} attempts)", shown, status)
            if retry_wait is None:
                delay = self.options.backoff * (2**attempt)
                delay += random.uniform(0, delay / 2)  # jitter, so many clients do not retry in step
            else:
                delay = retry_wait
            if delay > self.options.max_wait:
                raise FetchError(
                    f"{shown}: {problem}; asked to wait {delay:.0f}s, more than max_wait", shown, status
                )
            log.info("%s: %s; retrying in %.2fs", shown, problem, delay)
            attempt += 1
            self.wait(delay)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def get_json(self, url: str, **kwargs: Any) -> tuple[Any, str]:
        """GET and decode JSON; returns the document and the redacted URL that gave it.
        A body that is not JSON raises ``BadResponse``."""
        response = self.get(url, **kwargs)
        return decode_json(response), redact_url(response.url)

    def post_json(self, url: str, **kwargs: Any) -> tuple[Any, str]:
        """POST and decode JSON, as ``get_json``."""
        response = self.request("POST", url, **kwargs)
        return decode_json(response), redact_url(response.url)

    def _pace(self) -> None:
        now = time.monotonic()
        ready = max(self._last_request + self._interval, self._not_before)
        if ready > now:
            self.wait(ready - now)
        self._last_request = time.monotonic()

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        """When the platform says no requests remain, wait for the reset before the next."""
        for name in _REMAINING_HEADERS:
            remaining = headers.get(name)
            if remaining is None:
                continue
            try:
                exhausted = float(remaining) < 1
            except ValueError:
                return
            if exhausted:
                reset = retry_after_seconds({k: v for k, v in headers.items() if k.lower() != "retry-after"})
                if reset:
                    self._not_before = time.monotonic() + min(reset, self.options.max_wait)
            return


def decode_json(response: httpx.Response) -> Any:
    """The JSON body, or ``BadResponse`` with the reason and the first bytes of the body."""
    url = redact_url(response.url)
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as err:
        body = response.content[:20_000].decode("utf-8", errors="replace")
        raise BadResponse(url, f"response is not JSON: {err}", body) from None


class HttpCollector(ABC):
    """The shared body of the live collectors: options, the local query, a stop flag the
    service can set, and item-by-item conversion where a bad item becomes a reject.

    Subclasses set ``Options`` and ``platform`` and write ``fetch(cursor)``; ``collect``
    ends quietly when the service stops it during a wait."""

    Options: ClassVar[type[HttpOptions]] = HttpOptions
    platform: ClassVar[str] = ""

    def __init__(self, name: str, options: HttpOptions) -> None:
        self.name = name
        self.options = options
        self.query = options.parsed_query()
        self.stop = threading.Event()

    def bind_stop(self, event: threading.Event) -> None:
        """Share the service's stop flag, so waits for backoff or rate limits end at once."""
        self.stop = event

    def client(self, headers: Mapping[str, str] | None = None) -> HttpClient:
        return HttpClient(self.options, stop=self.stop, headers=headers)

    def keep(self, *texts: str | None) -> bool:
        """Whether a post passes the source's query (no query keeps everything)."""
        return self.query is None or self.query.matches(*texts)

    def collect(self, cursor: Any) -> Iterator[Batch]:
        try:
            yield from self.fetch(cursor)
        except Stopped:
            log.info("%s: stopped while waiting", self.name)

    @abstractmethod
    def fetch(self, cursor: Any) -> Iterator[Batch]:
        """Yield batches of posts page by page from ``cursor``, each with the cursor to resume
        from; every API collector implements this."""

    def convert_all(
        self, items: Any, url: str, convert: Callable[[Any], Post | None]
    ) -> tuple[list[Post], list[Reject]]:
        """Each item through ``convert`` (``None`` means "not wanted"); an item that fails
        becomes a reject located at ``URL#index``."""
        posts: list[Post] = []
        rejects: list[Reject] = []
        if not isinstance(items, list):
            return posts, [Reject(self.name, url, f"expected a list of items, got {type(items).__name__}")]
        for index, item in enumerate(items):
            try:
                post = convert(item)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
                reason = f"{type(err).__name__}: {err}" if isinstance(err, KeyError) else str(err)
                rejects.append(Reject(self.name, f"{url}#{index}", reason or type(err).__name__, _raw(item)))
                continue
            if post is not None:
                problem = post_problem(post)
                if problem is not None:  # stored, it would fail the whole batch's transaction
                    rejects.append(Reject(self.name, f"{url}#{index}", problem, _raw(item)))
                    continue
                posts.append(post)
        return posts, rejects


_TEXT_FIELDS = ("author", "title", "lang", "url", "parent_id")


def post_problem(post: Post) -> str | None:
    """Why a converted post cannot be stored (an item with a null id, an object where text
    belongs), or None when it can."""
    if not isinstance(post.native_id, str) or not post.native_id:
        return f"the item has no usable id (got {type(post.native_id).__name__})"
    if not isinstance(post.text, str):
        return f"text: expected text, got {type(post.text).__name__}"
    for name in _TEXT_FIELDS:
        value = getattr(post, name)
        if value is not None and not isinstance(value, str):
            return f"{name}: expected text, got {type(value).__name__}"
    for name in ("likes", "reposts", "replies", "views"):
        value = getattr(post, name)
        if value is not None and not -MAX_COUNT < value < MAX_COUNT:
            return f"{name}: count {value} is out of range"
    return None


def unique_posts(posts: list[Post], seen: set[str]) -> list[Post]:
    """Posts not yet seen in this run (pages overlap when new posts push old ones down)."""
    fresh = []
    for post in posts:
        if post.id not in seen:
            seen.add(post.id)
            fresh.append(post)
    return fresh


def iso_to_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _raw(item: Any) -> str:
    return raw_json(item, limit=100_000)


def _request_url(err: httpx.RequestError, fallback: str) -> str:
    try:
        return str(err.request.url)
    except RuntimeError:
        return fallback


def _error_hint(response: httpx.Response) -> str:
    """A short reason from an error body (APIs say why in ``error``/``message``), never a secret."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return f": {value[:200]}"
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return f": {value['message'][:200]}"
    return ""

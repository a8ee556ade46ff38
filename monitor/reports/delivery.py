"""Getting a finished report to people: a folder, email over SMTP, or a webhook.

Each delivery is tried ``attempts`` times with exponential backoff (``backoff``, doubled
after each failure); the outcome, the number of attempts and the last error go into the
run record. Deliveries only read the report's files, which are already written, so a
failed email never loses them. Secrets come from the environment variables the config names.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import shutil
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import httpx

from monitor.config import EmailDeliveryConfig, FolderDeliveryConfig, WebhookDeliveryConfig
from monitor.reports.runs import DeliveryOutcome
from monitor.store import now_ts

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
Delivery = FolderDeliveryConfig | EmailDeliveryConfig | WebhookDeliveryConfig


class DeliveryError(Exception):
    """A delivery attempt failed; ``permanent`` ones (bad credentials, a 4xx answer) are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class PlatformLine:
    platform: str
    posts: int
    volume_change: float | None
    net_sentiment: float | None
    net_change: float | None


@dataclass(frozen=True)
class ReportSummary:
    """What a message says about a report: enough to read without opening it, and links."""

    report: str
    title: str
    period: str
    total_posts: int
    platforms: list[PlatformLine] = field(default_factory=list)
    spikes: int = 0
    links: dict[str, str] = field(default_factory=dict)  # file name -> URL or path

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportSummary:
        values = dict(data)
        values["platforms"] = [PlatformLine(**line) for line in values.get("platforms", [])]
        return cls(**values)

    def lines(self) -> list[str]:
        """The summary as plain text lines, one per platform."""
        result = []
        for line in self.platforms:
            change = "" if line.volume_change is None else f" ({line.volume_change:+.0%} vs previous)"
            net = "n/a" if line.net_sentiment is None else f"{line.net_sentiment:+.2f}"
            net_change = "" if line.net_change is None else f" ({line.net_change:+.2f})"
            result.append(f"{line.platform}: {line.posts:,} posts{change}, net sentiment {net}{net_change}")
        return result


@dataclass(frozen=True)
class ReportFiles:
    """A run's files, all inside ``folder``."""

    folder: Path
    paths: list[Path]

    def by_kind(self, kind: str) -> list[Path]:
        suffix = {"html": ".html", "pdf": ".pdf", "csv": ".csv"}[kind]
        return [path for path in self.paths if path.suffix == suffix]


def describe(delivery: Delivery) -> str:
    """Where a delivery goes, for the run record (no secrets)."""
    if isinstance(delivery, FolderDeliveryConfig):
        return str(delivery.path)
    if isinstance(delivery, EmailDeliveryConfig):
        return f"{', '.join(delivery.to)} via {delivery.host}:{delivery.port}"
    if delivery.url_env:
        return f"${delivery.url_env}"
    url = httpx.URL(delivery.url or "")
    return f"{url.scheme}://{url.netloc.decode()}/…"  # the path of a webhook URL is often its secret


def deliver(
    delivery: Delivery,
    files: ReportFiles,
    summary: ReportSummary,
    *,
    index: int = 0,
    env: Mapping[str, str] | None = None,
    sleep: Sleep = time.sleep,
) -> DeliveryOutcome:
    """Deliver once, retrying with backoff; never raises for a failed delivery."""
    env = os.environ if env is None else env
    attempts = 0
    error: str | None = None
    delay = delivery.backoff.total_seconds()
    while attempts < delivery.attempts:
        attempts += 1
        try:
            _send(delivery, files, summary, env)
        except DeliveryError as err:
            error = str(err)
            permanent = err.permanent
        except (OSError, smtplib.SMTPException, httpx.HTTPError) as err:
            error = f"{type(err).__name__}: {err}"
            permanent = False
        else:
            return DeliveryOutcome(delivery.type, describe(delivery), "ok", attempts, None, now_ts(), index)
        log.warning(
            "%s delivery of %s failed (attempt %d): %s", delivery.type, summary.report, attempts, error
        )
        if permanent or attempts >= delivery.attempts:
            break
        sleep(delay)
        delay *= 2
    return DeliveryOutcome(delivery.type, describe(delivery), "failed", attempts, error, None, index)


def _send(delivery: Delivery, files: ReportFiles, summary: ReportSummary, env: Mapping[str, str]) -> None:
    if isinstance(delivery, FolderDeliveryConfig):
        copy_to_folder(delivery, files, summary)
    elif isinstance(delivery, EmailDeliveryConfig):
        send_email(delivery, files, summary, env)
    else:
        post_webhook(delivery, summary, env)


def copy_to_folder(delivery: FolderDeliveryConfig, files: ReportFiles, summary: ReportSummary) -> Path:
    """Copy the files into ``path/<report>/<run folder name>/`` (written whole, then renamed)."""
    target = delivery.path / summary.report / files.folder.name
    partial = target.with_name(target.name + ".part")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    for path in files.paths:
        destination = partial / path.relative_to(files.folder)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    if target.exists():
        shutil.rmtree(target)
    partial.rename(target)
    return target


def email_message(delivery: EmailDeliveryConfig, files: ReportFiles, summary: ReportSummary) -> EmailMessage:
    """The email: a plain-text summary with links, and the chosen files attached."""
    message = EmailMessage()
    message["Subject"] = delivery.subject or f"{summary.title}: {summary.period}"
    message["From"] = delivery.sender
    message["To"] = ", ".join(delivery.to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=delivery.sender.rpartition("@")[2])
    body = [summary.title, summary.period, "", f"{summary.total_posts:,} posts", *summary.lines()]
    if summary.spikes:
        body.append(f"{summary.spikes} spike(s) in this period")
    if summary.links:
        body += ["", "Files:", *(f"  {name}: {link}" for name, link in summary.links.items())]
    message.set_content("\n".join(body) + "\n")
    for kind in delivery.attach:
        for path in files.by_kind(kind):
            kind_type, _ = mimetypes.guess_type(path.name)
            maintype, subtype = (kind_type or "application/octet-stream").split("/", 1)
            message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message


def send_email(
    delivery: EmailDeliveryConfig, files: ReportFiles, summary: ReportSummary, env: Mapping[str, str]
) -> None:
    user = _secret(env, delivery.user_env, "user")
    password = _secret(env, delivery.password_env, "password")
    message = email_message(delivery, files, summary)
    context = ssl.create_default_context()
    if delivery.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            delivery.host, delivery.port, timeout=delivery.timeout, context=context
        )
    else:
        client = smtplib.SMTP(delivery.host, delivery.port, timeout=delivery.timeout)
    with client:
        client.ehlo()
        if delivery.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if user is not None and password is not None:
            try:
                client.login(user, password)
            except smtplib.SMTPAuthenticationError as err:
                raise DeliveryError(
                    f"SMTP login as {user!r} refused: {err.smtp_code}", permanent=True
                ) from err
        refused = client.send_message(message)
    if refused:
        raise DeliveryError(f"SMTP server refused: {', '.join(sorted(refused))}", permanent=True)


def _secret(env: Mapping[str, str], name: str | None, what: str) -> str | None:
    if name is None:
        return None
    value = env.get(name)
    if not value:
        raise DeliveryError(f"the SMTP {what} environment variable {name} is not set", permanent=True)
    return value


def webhook_payload(summary: ReportSummary) -> dict[str, Any]:
    """A Slack-compatible message (``text`` and ``blocks``) with the summary and links;
    the ``report`` key carries the same facts for other receivers."""
    lines = summary.lines() or ["no posts in this period"]
    links = " · ".join(f"<{link}|{name}>" for name, link in summary.links.items())
    text = f"{summary.title}: {summary.period} ({summary.total_posts:,} posts)"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": summary.title[:150]}},
        {"type": "context", "elements": [{"type": "plain_text", "text": summary.period}]},
        {"type": "section", "text": {"type": "plain_text", "text": "\n".join(lines)[:2900]}},
    ]
    if summary.spikes:
        blocks.append(
            {"type": "context", "elements": [{"type": "plain_text", "text": f"{summary.spikes} spike(s)"}]}
        )
    if links:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": links[:2900]}})
    return {"text": text, "blocks": blocks, "report": summary.to_dict()}


def post_webhook(delivery: WebhookDeliveryConfig, summary: ReportSummary, env: Mapping[str, str]) -> None:
    url = delivery.url or env.get(delivery.url_env or "")
    if not url:
        raise DeliveryError(
            f"the webhook URL environment variable {delivery.url_env} is not set", permanent=True
        )
    response = httpx.post(url, json=webhook_payload(summary), timeout=delivery.timeout)
    if response.status_code >= 400:
        permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
        raise DeliveryError(
            f"webhook answered {response.status_code}: {response.text[:200]}", permanent=permanent
        )

"""The report as one self-contained HTML file: opens offline (Plotly's JS inlined once),
reads on a phone, and prints to PDF with sensible page breaks.

Charts are the dashboard's own ``monitor.figures``. Post text is untrusted: it only ever
enters the page through Jinja2's autoescaping, as inert text; links are kept only when
they are http(s) (the queries blank the rest) and open with ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from monitor import figures
from monitor.reports.content import ReportContent

PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}
POST_TEXT_LIMIT = 600


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{int(value):,}"


def _signed(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.{digits}f}"


def _percent(value: Any, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.0%}" if signed else f"{value:.0%}"


def _moment(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "–"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return str(value)


def _trend(value: Any) -> str:
    """A CSS class for a change: up, down or flat."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


def _shorten(text: Any, limit: int = POST_TEXT_LIMIT) -> str:
    text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _environment() -> Environment:
    environment = Environment(
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    environment.filters.update(
        number=_number,
        signed=_signed,
        percent=_percent,
        moment=_moment,
        trend=_trend,
        shorten=_shorten,
        platform=figures.platform_label,
        color=figures.platform_color,
    )
    return environment


def figure_html(figure: go.Figure, div_id: str) -> Markup:
    """One chart as a ``<div>`` and its ``Plotly.newPlot`` script (no JS library)."""
    return Markup(
        pio.to_html(
            figure,
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config=PLOT_CONFIG,
            default_width="100%",
        )
    )


def report_figures(content: ReportContent) -> dict[str, go.Figure]:
    """The report's charts, drawn by the dashboard's figure functions."""
    volume_spikes = content.spikes if not content.spikes.empty else None
    return {
        "sentiment": figures.sentiment_over_time(content.timeline, content.events, volume_spikes),
        "volume": figures.volume_over_time(content.timeline, content.events, volume_spikes),
        "topics": figures.topic_share_over_time(content.topic_timeline, content.events),
        "mentions": figures.cross_mentions(content.mentions_timeline, content.events),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with missing values as None (a NaN is truthy in a template)."""
    if frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def render_html(content: ReportContent, plotly_js: str | None = None) -> str:
    """The whole report as one HTML document. ``plotly_js`` defaults to the installed
    plotly.js bundle (passing it in lets a caller read the 4 MB bundle once)."""
    if plotly_js is None:
        from plotly.offline import get_plotlyjs

        plotly_js = get_plotlyjs()
    charts = {name: figure_html(figure, f"chart-{name}") for name, figure in report_figures(content).items()}
    top_posts = content.top_posts
    platforms = sorted(set(content.headline["platform"])) if not content.headline.empty else []
    posts_by_platform = {
        platform: {
            side: _records(top_posts[(top_posts["platform"] == platform) & (top_posts["side"] == side)])
            for side in ("positive", "negative")
        }
        for platform in platforms
    }
    topics_by_platform = {
        platform: _records(content.topics[content.topics["platform"] == platform]) for platform in platforms
    }
    sources = content.method.sources
    template = _environment().from_string(TEMPLATE)
    return template.render(
        content=content,
        headline=_records(content.headline),
        platforms=platforms,
        topics_by_platform=topics_by_platform,
        spikes=_records(content.spikes),
        posts_by_platform=posts_by_platform,
        mentions=_records(content.mentions),
        sources=_records(sources),
        charts=charts,
        # The bundle is trusted code shipped with plotly; it has no "</script" in it.
        plotly_js=Markup(plotly_js.replace("</script", "<\\/script")),
    )


def write_html(content: ReportContent, path: Path, plotly_js: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(content, plotly_js), encoding="utf-8")
    return path


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ban-monitor">
<title>{{ content.title }} – {{ content.window.label() }}</title>
<style>
  :root { --ink: #1F2937; --muted: #6B7280; --line: #E5E7EB; --up: #1A9850; --down: #D7301F; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 Inter, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
         color: var(--ink); background: #F9FAFB; }
  main { max-width: 980px; margin: 0 auto; padding: 16px; background: #fff; }
  h1 { font-size: 1.6em; margin: 0.2em 0; }
  h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
  h3 { font-size: 1.05em; margin: 1em 0 0.4em; }
  .period { font-size: 1.05em; color: var(--ink); margin: 0; }
  .muted, .meta { color: var(--muted); font-size: 0.9em; }
  .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #F3F4F6; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .up { color: var(--up); } .down { color: var(--down); } .flat { color: var(--muted); }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }
  .card { border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 6px; padding: 10px; }
  .card .big { font-size: 1.5em; font-weight: 600; }
  .chart { margin: 8px 0 16px; min-height: 260px; break-inside: avoid; page-break-inside: avoid; }
  .post { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 6px 0;
          break-inside: avoid; page-break-inside: avoid; overflow-wrap: anywhere; }
  .post .text { white-space: pre-wrap; }
  .post.positive { border-left: 4px solid var(--up); } .post.negative { border-left: 4px solid var(--down); }
  .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
  .platform { break-inside: avoid-page; }
  a { color: #1D4ED8; }
  footer { margin-top: 2em; color: var(--muted); font-size: 0.85em; }
  @media (max-width: 640px) {
    main { padding: 10px; } .sides { grid-template-columns: 1fr; } body { font-size: 14px; }
  }
  @page { size: A4; margin: 12mm; }
  @media print {
    body { background: #fff; font-size: 12px; } main { max-width: none; padding: 0; }
    h2 { break-after: avoid; page-break-after: avoid; }
    section.page { break-before: page; page-break-before: always; }
    a { color: inherit; }
  }
</style>
<script>{{ plotly_js }}</script>
</head>
<body>
<main>
<header>
  <p class="muted">ban-monitor report · {{ content.name }}</p>
  <h1>{{ content.title }}</h1>
  <p class="period">{{ content.window.label() }}</p>
  <p class="meta">Compared with {{ content.previous.label() }}. Generated {{ content.generated_at | moment }}.
  {% if content.filters.platforms %}Platforms: {{ content.filters.platforms | join(", ") }}. {% endif %}
  {% if content.filters.topics %}Topics: {{ content.filters.topics | join(", ") }}. {% endif %}
  {% if content.filters.languages %}Languages: {{ content.filters.languages | join(", ") }}. {% endif %}
  {% if content.filters.keyword %}Keyword: “{{ content.filters.keyword }}”. {% endif %}
  </p>
</header>

<section id="headline">
<h2>Headline numbers</h2>
{% if not headline %}
<p class="muted">No posts in this period.</p>
{% else %}
<div class="cards">
{% for row in headline %}
  <div class="card" style="--accent: {{ row.platform | color }}">
    <div><strong>{{ row.platform | platform }}</strong></div>
    <div class="big">{{ row.posts | number }} posts</div>
    <div class="{{ row.volume_change | trend }}">{{ row.volume_change | percent(True) }} vs previous
      ({{ row.prev_posts | number }})</div>
    <div>net sentiment <strong>{{ row.net_sentiment | signed }}</strong>
      <span class="{{ row.net_change | trend }}">({{ row.net_change | signed }})</span></div>
  </div>
{% endfor %}
</div>
<div class="scroll">
<table class="headline">
  <thead><tr><th>Platform</th><th class="num">Posts</th><th class="num">Previous</th><th class="num">Change</th>
  <th class="num">Scored</th><th class="num">Positive</th><th class="num">Neutral</th><th class="num">Negative</th>
  <th class="num">Net sentiment</th><th class="num">Change</th></tr></thead>
  <tbody>
  {% for row in headline %}
  <tr data-platform="{{ row.platform }}"><td>{{ row.platform | platform }}</td>
    <td class="num posts">{{ row.posts | number }}</td><td class="num">{{ row.prev_posts | number }}</td>
    <td class="num {{ row.volume_change | trend }}">{{ row.volume_change | percent(True) }}</td>
    <td class="num">{{ row.scored | number }}</td><td class="num">{{ row.positive | number }}</td>
    <td class="num">{{ row.neutral | number }}</td><td class="num">{{ row.negative | number }}</td>
    <td class="num net">{{ row.net_sentiment | signed }}</td>
    <td class="num {{ row.net_change | trend }}">{{ row.net_change | signed }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</div>
<p class="muted">Net sentiment is the share of scored posts that are positive minus the share that are
negative (−1 to +1); its change is in points against the previous period.</p>
{% endif %}
</section>

<section id="over-time">
<h2>Sentiment and volume over time</h2>
{% if content.events %}<p class="muted">Events marked: {% for event in content.events %}{{ event.date }}
{{ event.label }}{% if not loop.last %}; {% endif %}{% endfor %}.</p>{% endif %}
<div class="chart">{{ charts.sentiment }}</div>
<div class="chart">{{ charts.volume }}</div>
</section>

<section id="topics" class="page">
<h2>Topic mix by platform</h2>
{% if not platforms or not content.topics.shape[0] %}
<p class="muted">No scored posts in this period.</p>
{% else %}
<div class="scroll"><table>
  <thead><tr><th>Platform</th><th>Topic</th><th class="num">Posts</th><th class="num">Share</th></tr></thead>
  <tbody>
  {% for platform in platforms %}{% for row in topics_by_platform[platform] %}
  <tr><td>{{ row.platform | platform }}</td><td>{{ row.topic }}</td><td class="num">{{ row.posts | number }}</td>
    <td class="num">{{ row.share | percent }}</td></tr>
  {% endfor %}{% endfor %}
  </tbody>
</table></div>
<div class="chart">{{ charts.topics }}</div>
{% endif %}
</section>

<section id="spikes">
<h2>Spikes</h2>
{% if not spikes %}
<p class="muted">No spikes in volume or sentiment in this period.</p>
{% else %}
<div class="scroll"><table>
  <thead><tr><th>When (UTC)</th><th>Platform</th><th>What</th><th class="num">Value</th><th class="num">Baseline</th>
  <th>Driven by</th></tr></thead>
  <tbody>
  {% for spike in spikes %}
  <tr><td>{{ spike.bucket_start | moment }}</td><td>{{ spike.platform | platform }}</td>
    <td>{{ spike.kind }} {{ spike.direction }}</td>
    <td class="num">{% if spike.kind == "volume" %}{{ spike.value | number }}{% else %}{{ spike.value | signed }}{% endif %}</td>
    <td class="num">{% if spike.kind == "volume" %}{{ spike.baseline | number }}{% else %}{{ spike.baseline | signed }}{% endif %}</td>
    <td>{% if spike.terms %}terms: {{ spike.terms }}<br>{% endif %}
      {% if spike.top_post %}top post: {% if spike.top_post_url %}<a href="{{ spike.top_post_url }}"
        rel="noopener noreferrer nofollow" target="_blank">{{ spike.top_post | shorten(160) }}</a>{% else %}
        {{ spike.top_post | shorten(160) }}{% endif %}{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table></div>
{% endif %}
</section>

<section id="posts" class="page">
<h2>Most engaged posts</h2>
{% if not platforms %}<p class="muted">No posts in this period.</p>{% endif %}
{% for platform in platforms %}
<div class="platform">
<h3>{{ platform | platform }}</h3>
<div class="sides">
{% for side in ("positive", "negative") %}
  <div>
  <p class="muted">Most engaged {{ side }}</p>
  {% for post in posts_by_platform[platform][side] %}
  <article class="post {{ side }}">
    <div class="meta">{{ post.created_at | moment }} · {{ post.author or "unknown" }} ·
      {{ post.engagement | number }} engagements · sentiment {{ post.sentiment_score | signed }}</div>
    <div class="text">{% if post.title %}<strong>{{ post.title | shorten(200) }}</strong> {% endif %}{{ post.text | shorten }}</div>
    {% if post.url %}<div><a href="{{ post.url }}" rel="noopener noreferrer nofollow" target="_blank">open post</a></div>{% endif %}
  </article>
  {% else %}
  <p class="muted">none</p>
  {% endfor %}
  </div>
{% endfor %}
</div>
</div>
{% endfor %}
</section>

<section id="mentions">
<h2>Cross-platform mentions</h2>
{% if not mentions %}
<p class="muted">No post in this period names another platform.</p>
{% else %}
<div class="scroll"><table>
  <thead><tr><th>Posts on</th><th>Name</th><th class="num">Posts</th><th class="num">Share of posts</th></tr></thead>
  <tbody>
  {% for row in mentions %}
  <tr><td>{{ row.platform | platform }}</td><td>{{ row.mentioned | platform }}</td>
    <td class="num">{{ row.posts | number }}</td><td class="num">{{ row.share | percent }}</td></tr>
  {% endfor %}
  </tbody>
</table></div>
<div class="chart">{{ charts.mentions }}</div>
{% endif %}
</section>

<section id="method">
<h2>Method</h2>
<p>Sentiment and topics by the model <strong>{{ content.method.model or "none (nothing scored)" }}</strong>
{% if content.method.configured_model and content.method.configured_model != content.method.model %}
(the configured model is {{ content.method.configured_model }}; it has fewer scores so far){% endif %}.
{{ content.method.scored | number }} of {{ content.method.posts | number }} posts in this period are scored.
Posts are counted in whole UTC hours; charts use {{ "hourly" if content.bucket == "hour" else "daily" }} buckets.
{% if content.method.posts_truncated %}The post list (CSV) is cut at its row limit.{% endif %}
{{ content.method.rejects | number }} input records have been rejected (kept in quarantine) in total.</p>
{% if sources %}
<div class="scroll"><table>
  <thead><tr><th>Source</th><th>Status</th><th>Last run</th><th class="num">Posts</th><th class="num">Rejects</th>
  <th>Last error</th></tr></thead>
  <tbody>
  {% for source in sources %}
  <tr><td>{{ source.source }}</td><td>{{ source.status }}</td><td>{{ source.finished_at | moment }}</td>
    <td class="num">{{ source.posts | number }}</td><td class="num">{{ source.rejects | number }}</td>
    <td>{{ (source.last_error or "") | shorten(200) }}</td></tr>
  {% endfor %}
  </tbody>
</table></div>
{% endif %}
</section>

<footer>Made by ban-monitor from the same queries and charts as the dashboard.</footer>
</main>
</body>
</html>
"""  # noqa: E501 - the template's lines are HTML, wrapped where the markup reads best

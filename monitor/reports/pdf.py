"""The PDF: the report's HTML printed by headless Chromium, so it shows exactly what the
HTML shows. Chromium runs with a fresh profile and no network features; a virtual time
budget lets Plotly draw every chart before the page is printed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENV_CHROMIUM = "MONITOR_CHROMIUM"
# The printable width of A4 with 12 mm margins, in CSS pixels: charts drawn at this width
# print without being cut or rescaled.
PRINT_WINDOW = "704,1000"
# Headless Chromium on a server (Debian's build works with these; the tests' browser too):
# no sandbox, GPU or background traffic.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


class PdfError(RuntimeError):
    """Chromium is missing or could not print the report."""


def find_chromium() -> str:
    """The Chromium binary: ``MONITOR_CHROMIUM`` if set, else the first one on PATH."""
    configured = os.environ.get(ENV_CHROMIUM)
    if configured:
        return configured
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(
        "no Chromium found for PDF output: install it (apt-get install chromium) or set MONITOR_CHROMIUM"
    )


def html_to_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 120, budget_ms: int = 15_000) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; raises ``PdfError``."""
    chromium = find_chromium()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf_path.with_suffix(".pdf.part")
    with tempfile.TemporaryDirectory(prefix="bm-pdf-") as profile:
        command = [
            chromium,
            *HEADLESS_FLAGS,
            "--disable-extensions",
            f"--user-data-dir={profile}",
            f"--window-size={PRINT_WINDOW}",
            "--run-all-compositor-stages-before-draw",
            f"--virtual-time-budget={budget_ms}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={partial}",
            html_path.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise PdfError(
                f"Chromium did not finish printing {html_path.name} within {timeout:.0f} s"
            ) from err
    if result.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        partial.unlink(missing_ok=True)
        raise PdfError(
            f"Chromium could not print {html_path.name} (exit {result.returncode}): {' '.join(detail)}"
        )
    partial.replace(pdf_path)
    return pdf_path

"""Debian's headless Chromium driven by Selenium, as the browser tests use it.

The flags keep Chromium off the network (this machine's network is closed) and give each
driver a fresh profile. ``make test`` installs chromium and chromium-driver.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from monitor.reports.pdf import HEADLESS_FLAGS

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = HEADLESS_FLAGS


@contextmanager
def chromium(window: tuple[int, int], *, phone: bool = False, page_load_timeout: int = 30) -> Iterator[Any]:
    """A Selenium driver on a fresh profile; ``phone`` emulates a phone's viewport of
    ``window`` (desktop windows cannot be narrower than about 500 px). Browser console
    messages are kept for ``driver.get_log("browser")``."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.fail("needs Debian's chromium and chromium-driver: make test installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="bm-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--window-size={window[0]},{window[1]}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if phone:
        metrics = {"width": window[0], "height": window[1], "pixelRatio": 2}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(page_load_timeout)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)

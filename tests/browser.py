"""Opening a page in headless Chromium, for the tests that check an HTML page really runs.

Only where a Chromium is installed (Debian's `chromium`); elsewhere the test is skipped and
the structure tests, which parse the page, still run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest


def dump_dom(page: Path) -> tuple[Any, str]:
    """The page's DOM after its scripts ran (parsed) and Chromium's stderr (where script errors go)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip("no chromium on this machine")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--dump-dom"]
    done = subprocess.run([browser, *flags, page.as_uri()], capture_output=True, text=True, timeout=120)
    return lxml.html.fromstring(done.stdout), done.stderr

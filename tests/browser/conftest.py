"""Browser-test fixtures: Debian's chromium driven by Playwright, a demo report and a live app.

Every test here is marked ``browser`` and skips cleanly when chromium or the playwright package is
missing, so the suite passes without them. ``playwright install`` is never needed: the tests
launch the system chromium at CHROMIUM (default /usr/bin/chromium).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless chromium (skipped when it is missing)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless chromium; skips when chromium or playwright is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


class Page:
    """A page plus everything it logged: console errors and uncaught exceptions."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture()
def open_page(browser: Any) -> Iterator[Any]:
    """Factory: open a URL in a fresh context at a viewport size and colour scheme."""
    contexts: list[Any] = []

    def opener(url: str, *, width: int = 1280, height: int = 900, scheme: str = "light") -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        contexts.append(context)
        page = Page(context.new_page())
        page.page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.pipeline import analyze

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    analyze([ROOT / "examples" / "corpus"], db=db)
    return db


@pytest.fixture(scope="session")
def demo_report(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.report import write_report

    return write_report(demo_db, out=tmp_path_factory.mktemp("report") / "demo.html")


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.web.sample import build_sample_db

    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    build_sample_db(db, stories=2, per_story=4)
    return db


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.report import render_report
    from storyline.web.sample import sample_bundle

    folder = tmp_path_factory.mktemp("sample-report")
    out = folder / "sample.html"
    out.write_text(render_report(sample_bundle(folder / "s.duckdb", stories=2, per_story=4), title="Sample story"),
                   encoding="utf-8")
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_in_thread(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port until the generator is closed."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_app(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the web app (uploads on, token "t0ken") over a copy of the demo database."""
    import shutil

    from storyline.serve import create_app

    db = tmp_path_factory.mktemp("live") / "live.duckdb"
    shutil.copy(demo_db, db)
    yield from _serve_in_thread(create_app(db, allow_upload=True, token="t0ken"))


@pytest.fixture(scope="session")
def live_sample_app(sample_db: Path) -> Iterator[str]:
    """Base URL of the read-only web app over the sample database (stories, claims, quotes filled)."""
    from storyline.serve import create_app

    yield from _serve_in_thread(create_app(sample_db))

"""`navigator serve`: the dashboard in a real headless Chromium, and the server's guard rails.

The browser test needs Debian's `chromium` (/usr/bin/chromium) and Playwright for Python
(the `test` extra); Playwright's own browser downloads are never used. Without them it
skips on a laptop and fails in CI (CI=true), where .ci/run installs them.

The terminal is drawn on a canvas, so the page's DOM holds no figures: the test reads
what the server sends down the websocket (the app's screen updates, ANSI text) and looks
for the figures the data layer computes for the hand-built database.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
from handbuilt import build_handbuilt

from navigator.data.report import ViewState, build_report
from navigator.data.source import open_database
from navigator.format import format_value
from navigator.serve import dashboard_command, is_loopback, root_options

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1600, "height": 1000}  # about 160 x 50 cells at textual-serve's 16 px
SCREENSHOT_COPY = Path("/tmp/nav/serve.png")
WAIT = 60.0  # seconds for a figure to arrive; the app starts in a second or two
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


# --- helpers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_handbuilt(tmp_path_factory.mktemp("serve") / "hand built.duckdb")  # a space: quoting


@contextlib.contextmanager
def served(*args: str, logs: Path, host: str = "127.0.0.1") -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`navigator serve` on a free port, in a process group of its own, stopped with everything it started."""
    port = free_port()
    out = (logs / f"serve-{port}.out").open("wb")
    err = (logs / f"serve-{port}.err").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "navigator", "serve", "--host", host, "--port", str(port), *args],
        stdout=out,
        stderr=err,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "XDG_CONFIG_HOME": str(logs / "config")},  # not the developer's own settings
        start_new_session=True,  # its per-visitor app processes join this group
    )
    try:
        wait_for_port(process, port, logs)
        yield process, port
    finally:
        stop_group(process)
        out.close()
        err.close()


def wait_for_port(process: subprocess.Popen[bytes], port: int, logs: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"navigator serve exited with {process.returncode}: {read_logs(logs, port)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"navigator serve did not listen on {port} within {timeout} s: {read_logs(logs, port)}")


def read_logs(logs: Path, port: int) -> str:
    return "".join(
        (logs / f"serve-{port}.{kind}").read_text(encoding="utf-8", errors="replace") for kind in ("out", "err")
    )


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server (it stops its app processes), then make sure nothing of the group is left."""
    group = process.pid  # start_new_session: the group id is the server's pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and group_alive(group):
        time.sleep(0.1)
    if group_alive(group):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        process.wait(timeout=10)
        raise AssertionError("navigator serve left processes behind after SIGTERM (killed them)")


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Zombies count as gone: only the ones we have not reaped yet can remain, and they hold nothing.
    return any(_live_member(pid, group) for pid in _pids())


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()] if Path("/proc").is_dir() else []


def _live_member(pid: int, group: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0] != "Z" and int(fields[2]) == group


def browser_or_skip() -> None:
    """Skip without Chromium or Playwright on a laptop; in CI both must be there."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python is missing (pip install -e '.[test]')")
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the browser test: {reason}")
        pytest.skip(reason)


def screen_text(frames: list[bytes]) -> str:
    """What the app sent, as text: the frames joined (a sequence may span two), escapes removed."""
    return ANSI.sub("", b"".join(frames).decode("utf-8", errors="replace"))


# --- the browser ------------------------------------------------------------------------------


def test_dashboard_in_chromium(fixture_db: Path, tmp_path: Path) -> None:
    browser_or_skip()
    from playwright.sync_api import BrowserContext, Page, Route, WebSocket, sync_playwright

    from navigator.panels.handoff import KINDS, HandoffPanel, headline

    # What the panels must show: the data layer's figures, formatted as navigator formats them.
    db = open_database(fixture_db)
    try:
        state = ViewState(as_of=db.as_of)  # the dashboard's opening view
        report = build_report(db, as_of=state.as_of, window=state.window, compare_months=state.compare_months)
        batons = HandoffPanel.load(db, state)
    finally:
        db.close()
    overview = ["MRR", "NRR (12 months)", "GRR (12 months)"]
    for key in ("mrr", "nrr", "grr"):
        metric = report.get(key)
        assert metric.value is not None, key
        overview.append(format_value(metric.value, metric.spec.unit))
    titles = [f"{title} · {what}" for _, title, what in KINDS]  # drawn as soon as the panel shows
    handoff = list(titles)
    # ... and once its data has loaded: its headline, sentence by sentence (each fits on the line),
    # and the p90 latency of sales -> operations.
    handoff += re.split(r"(?<=\.)\s+", headline(batons).plain.strip())
    handoff.append(format_value(batons.batons["sales_to_operations"].now["latency_p90_days"], "days"))

    timings: dict[str, float] = {}
    started = time.monotonic()
    blocked: list[str] = []

    def open_tab(context: BrowserContext, url: str) -> tuple[Page, list[bytes]]:
        """A new tab on the dashboard, with every request outside 127.0.0.1 aborted and its frames kept."""
        page = context.new_page()
        frames: list[bytes] = []

        def only_local(route: Route) -> None:
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        def on_websocket(ws: WebSocket) -> None:
            ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else b""))

        page.route("**/*", only_local)
        page.on("websocket", on_websocket)
        page.goto(url, wait_until="load")
        return page, frames

    def wait_for(page: Page, frames: list[bytes], texts: list[str], since: int, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            seen = screen_text(frames[since:])
            missing = [text for text in texts if text not in seen]
            if not missing:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: never arrived: {missing}; last text: {seen[-2000:]!r}")
            page.wait_for_timeout(100)  # lets Playwright deliver events meanwhile

    def until(condition: Callable[[], bool], page: Page, what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(what)
            page.wait_for_timeout(100)

    with served("--db", str(fixture_db), logs=tmp_path) as (server, port):
        timings["server listening"] = time.monotonic() - started

        def dashboards() -> int:
            """The per-visitor app processes the server started."""
            return sum(argv[1:4] == ["-m", "navigator", "--db"] for argv in group_commands(server.pid))

        with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="nav-chromium-") as profile:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport=VIEWPORT,
            )
            try:
                page, frames = open_tab(context, f"http://127.0.0.1:{port}/")
                timings["page loaded"] = time.monotonic() - started
                wait_for(page, frames, overview, 0, "the overview's figures")
                timings["overview figures arrived"] = time.monotonic() - started
                page.wait_for_timeout(500)  # let the canvas paint before the picture
                page.screenshot(path=str(tmp_path / "serve.png"))
                SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tmp_path / "serve.png", SCREENSHOT_COPY)
                assert not any(text in screen_text(frames) for text in titles), "Hand-off drawn before asked for"

                before_key = len(frames)
                page.locator(".xterm-helper-textarea").focus()
                page.keyboard.press("4")
                wait_for(page, frames, handoff, before_key, "the Hand-off panel after pressing 4")
                timings["hand-off panel arrived"] = time.monotonic() - started
                page.wait_for_timeout(500)
                page.screenshot(path=str(tmp_path / "serve-handoff.png"))
                shutil.copyfile(tmp_path / "serve-handoff.png", SCREENSHOT_COPY.with_name("serve-handoff.png"))

                # A second visitor: a dashboard process of its own on the same file, at the overview.
                second, second_frames = open_tab(context, f"http://127.0.0.1:{port}/")
                wait_for(second, second_frames, overview, 0, "the second visitor's overview")
                assert dashboards() == 2
                second.close()
                until(lambda: dashboards() == 1, page, "closing a tab did not end its dashboard")
                timings["second visitor came and went"] = time.monotonic() - started

                # Ctrl+C (SIGTERM) with a visitor connected: the server ends its dashboard and exits.
                stop_started = time.monotonic()
                stop_group(server)
                assert server.returncode == 0, read_logs(tmp_path, port)
                assert time.monotonic() - stop_started < 10
                timings["server stopped with a visitor connected"] = time.monotonic() - started
            finally:
                context.close()
    timings["all stopped"] = time.monotonic() - started
    # The page asks no other site for anything (textual-serve's font stylesheet is taken out).
    assert blocked == [], blocked
    print("timings (s from start): " + ", ".join(f"{name} {value:.1f}" for name, value in timings.items()))


def group_commands(group: int) -> list[list[str]]:
    """The argument vectors of the live processes of a process group."""
    commands = []
    for pid in _pids():
        if _live_member(pid, group):
            with contextlib.suppress(OSError):
                commands.append(os.fsdecode(Path(f"/proc/{pid}/cmdline").read_bytes()).split("\0")[:-1])
    return commands


# --- the command's guard rails (no browser needed) --------------------------------------------


def test_loopback_by_default_and_no_warning(fixture_db: Path, tmp_path: Path) -> None:
    with served("--db", str(fixture_db), logs=tmp_path) as (_, port):
        status, _ = get(port, "/")
        assert status == 200
    assert "warning" not in (tmp_path / f"serve-{port}.err").read_text()
    assert f"http://127.0.0.1:{port}" in (tmp_path / f"serve-{port}.out").read_text()


def test_other_host_warns_there_is_no_authentication(fixture_db: Path, tmp_path: Path) -> None:
    with served("--db", str(fixture_db), logs=tmp_path, host="0.0.0.0") as (_, port):
        status, _ = get(port, "/")  # 0.0.0.0 is every address, loopback included
        assert status == 200
    lines = (tmp_path / f"serve-{port}.err").read_text().strip().splitlines()
    assert lines == [
        f"navigator: warning: serving on 0.0.0.0:{port} with no authentication: "
        "anyone who can reach this address can see the data"
    ]


def test_port_in_use_is_one_line(fixture_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "navigator", "serve", "--port", str(port), "--db", str(fixture_db)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip().splitlines() == [
        f"navigator: error: port {port} on 127.0.0.1 is already in use; choose another with --port"
    ]
    assert result.stdout == ""


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "navigator", "serve", "--port", str(free_port()), "--db", str(tmp_path / "no.duckdb")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"navigator: error: no such file: {tmp_path / 'no.duckdb'}"]


def test_missing_sample_is_generated_before_serving(tmp_path: Path) -> None:
    sample = Path(os.environ["NAVIGATOR_SAMPLE"])  # conftest points it into tmp_path
    assert not sample.exists()
    with served(logs=tmp_path) as (_, port):
        assert sample.exists()
        assert f"serving the dashboard on {sample.resolve()}" in (tmp_path / f"serve-{port}.out").read_text()


def test_pages_of_other_sites_are_refused(fixture_db: Path, tmp_path: Path) -> None:
    upgrade = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    with served("--db", str(fixture_db), logs=tmp_path) as (_, port):
        # DNS rebinding: a foreign name that resolves to 127.0.0.1
        assert get(port, "/", {"Host": f"evil.example:{port}"})[0] == 403
        # a page of another site opening the websocket
        assert get(port, "/ws", {**upgrade, "Origin": "http://evil.example"})[0] == 403
        # the page's links follow the address used, so localhost works as well as 127.0.0.1
        status, body = get(port, "/", {"Host": f"localhost:{port}"})
        assert status == 200
        assert f"ws://localhost:{port}/ws" in body
        assert "googleapis" not in body


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def test_dashboard_command_quotes_the_path() -> None:
    path = Path('/data/it\'s a "test" $(rm -rf ~).duckdb')
    command = dashboard_command(["--db", str(path)])
    assert command.startswith("exec ")
    assert shlex.split(command)[1:] == [sys.executable, "-m", "navigator", "--db", str(path)]


def test_top_level_options_reach_every_visitors_dashboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    @click.group()
    @click.option("--db", "db_path", type=click.Path(path_type=Path))
    @click.option("--source", "source")
    @click.option("--config", "config_path", type=click.Path(path_type=Path))
    @click.option("--theme", type=click.Choice(["dark", "light"]))
    @click.option("--present", is_flag=True)
    @click.option("--ssh/--no-ssh", "ssh", default=None)
    @click.option("--no-mouse", is_flag=True)
    @click.option("--tag", "tags", multiple=True)
    @click.version_option("1")
    def root(**_: object) -> None:
        pass

    monkeypatch.chdir(tmp_path)
    argv = [
        "--db",
        "a.duckdb",
        "--source",
        "parquet:x",
        "--config",
        "c.toml",
        "--theme",
        "light",
        "--no-ssh",
        "--tag",
        "x",
        "--tag",
        "y",
    ]
    context = root.make_context("navigator", [*argv, "serve"])
    # --db/--source are resolved by serve itself; what was not given is not passed; paths become absolute.
    assert root_options(context) == [
        "--config",
        str(tmp_path.resolve() / "c.toml"),
        "--theme",
        "light",
        "--no-ssh",
        "--tag",
        "x",
        "--tag",
        "y",
    ]
    options = root_options(root.make_context("navigator", ["--present", "--ssh", "serve"]))
    assert options == ["--present", "--ssh"]
    command = dashboard_command(["--db", str(tmp_path / "a b.duckdb")], options)
    assert shlex.split(command)[1:] == [
        sys.executable,
        "-m",
        "navigator",
        *options,
        "--db",
        str(tmp_path / "a b.duckdb"),
    ]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback

"""`navigator serve`: the dashboard in a browser, through textual-serve.

Every browser tab that connects gets a process of its own running the ordinary
read-only dashboard (`python -m navigator --db <absolute path>`), whose screen
textual-serve streams over a websocket to a terminal drawn in the page.

There is no authentication: anyone who can reach the address sees the data. So
the server binds to 127.0.0.1 unless `--host` says otherwise (and then warns),
refuses websockets opened by pages of other sites, and, on a loopback address,
answers only requests addressed to a loopback name (no DNS rebinding).
Heavy modules (aiohttp, textual-serve) are imported only when the command runs.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import shlex
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


@click.command()
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="The address to listen on. Anything but a loopback address lets other machines in: there is no login.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="The port to listen on."
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="The DuckDB file to read (default: the bundled sample, generated on first use).",
)
@click.option(
    "--source",
    "source",
    default=None,
    metavar="URI",
    help="Where the data lives, as for `navigator --source` (see docs/sources.md).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, db_path: Path | None, source: str | None) -> None:
    """The dashboard in a browser: one read-only dashboard per visitor (no login: local by default).

    Options given before `serve` (`navigator --config FILE --theme light serve`) apply to every
    visitor's dashboard, as they would to `navigator` alone.
    """
    from navigator.cli import _data_location, open_db
    from navigator.data.paths import default_sample_path

    root = ctx.find_root()
    # --db/--source here or before `serve`, else the settings file's source, else the sample
    chosen_path, chosen_source = _data_location(
        db_path or root.params.get("db_path"), source or root.params.get("source")
    )
    db = open_db(chosen_path, chosen_source)  # one clear line if it cannot be read; generates a missing sample
    label = db.label
    db.close()
    if chosen_source is not None:
        data_args = ["--source", chosen_source]
    else:
        path = (chosen_path.expanduser() if chosen_path is not None else default_sample_path()).resolve()
        data_args, label = ["--db", str(path)], str(path)
    check_port_free(host, port)
    if not is_loopback(host):
        click.echo(
            f"navigator: warning: serving on {host}:{port} with no authentication: "
            "anyone who can reach this address can see the data",
            err=True,
        )
    run_server(dashboard_command(data_args, root_options(root)), host, port, label=label)


def root_options(root: click.Context) -> list[str]:
    """The top-level options the user gave (not --db/--source: resolved here), to give each visitor's app."""
    from click.core import ParameterSource

    args: list[str] = []
    for param in root.command.params:
        if not isinstance(param, click.Option) or param.is_eager or param.name in (None, "db_path", "source"):
            continue
        if root.get_parameter_source(param.name) not in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            continue
        value = root.params.get(param.name)
        if param.is_flag:
            if value:
                args.append(param.opts[0])
            elif param.secondary_opts:
                args.append(param.secondary_opts[0])
            continue
        for item in value if param.multiple else (value,):
            if item is None:
                continue
            args += [param.opts[0], str(Path(item).expanduser().resolve()) if isinstance(item, Path) else str(item)]
    return args


def dashboard_command(data_args: list[str], options: list[str] | None = None) -> str:
    """The shell command textual-serve runs for each visitor: this Python, this package, read-only dashboard."""
    parts = [sys.executable, "-m", "navigator", *(options or []), *data_args]
    return "exec " + " ".join(shlex.quote(part) for part in parts)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    """Bind every address the host resolves to, as the server will, and say plainly why not."""
    from navigator.data.errors import UsageError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host!r}: {exc.strerror}") from None
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            try:
                probe.bind(address)
            except OSError as exc:
                raise UsageError(_bind_error(host, port, exc)) from None


def _bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; choose another with --port"
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port}; choose one above 1023 with --port"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def run_server(command: str, host: str, port: int, label: str) -> None:
    from navigator.data.errors import UsageError

    with tempfile.TemporaryDirectory(prefix="navigator-serve-") as templates:
        server = make_server(command, host, port, label=label, templates_path=Path(templates))
        try:
            server.serve()
        except OSError as exc:  # lost a race for the port after the check
            raise UsageError(_bind_error(host, port, exc)) from None


def make_server(command: str, host: str, port: int, label: str, templates_path: Path) -> Any:
    """A textual-serve Server that checks who is asking, loads nothing from other sites, and stops promptly."""
    import asyncio

    import textual_serve
    from aiohttp import web
    from textual_serve.server import Server

    _write_offline_template(Path(textual_serve.__file__).parent / "templates", templates_path)
    loopback = is_loopback(host)
    display_host = f"[{host}]" if ":" in host else host

    class NavigatorServer(Server):
        sessions: set[asyncio.Task[Any]]

        async def on_startup(self, app: web.Application) -> None:
            self.sessions = set()
            url = f"http://{display_host}:{port}"
            click.echo(f"navigator: serving the dashboard on {label} at {url}  (Ctrl+C stops)")

        async def on_shutdown(self, app: web.Application) -> None:
            # aiohttp waits up to a minute for open websockets to end by themselves; end them now,
            # which makes textual-serve tell each visitor's dashboard to quit and wait for it.
            for task in list(self.sessions):
                task.cancel()

        def _check(self, request: web.Request, websocket: bool) -> None:
            hostname = (urlsplit(f"//{request.host}").hostname or "").lower()
            if loopback and not is_loopback(hostname):
                raise web.HTTPForbidden(text="navigator: only loopback names may be used with this server\n")
            if websocket:
                origin = request.headers.get("Origin")
                if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                    raise web.HTTPForbidden(text="navigator: websocket from another site refused\n")

        async def handle_index(self, request: web.Request) -> Any:
            self._check(request, websocket=False)
            # The page's links and websocket follow the address the visitor used (a bound 0.0.0.0 is no
            # address to connect to). No await between setting and reading it.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            self._check(request, websocket=True)
            task = asyncio.current_task()
            assert task is not None
            self.sessions.add(task)
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions.discard(task)

    return NavigatorServer(
        command,
        host=host,
        port=port,
        title="navigator",
        public_url=f"http://{display_host}:{port}",
        templates_path=templates_path,
    )


def _write_offline_template(source: Path, target: Path) -> None:
    """textual-serve's page, less its stylesheet from a font CDN: the page must work offline and tell no one."""
    for template in source.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"<link[^>]*href=\"https?://[^\"]*\"[^>]*>", "", text)
        (target / template.name).write_text(text, encoding="utf-8")

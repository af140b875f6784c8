"""The `navigator` command. Thin: parse, call the data layer or the app, print, exit.

Heavy modules (DuckDB, Polars, Textual) are imported inside the commands so that
`navigator --help` and the first paint of the dashboard stay fast.
Every error the user can fix ends with one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from navigator import __version__

if TYPE_CHECKING:
    from navigator.data.report import Filters, ViewState
    from navigator.data.source import Database
    from navigator.ui.app import Opener

FORMATS_QUERY = ("table", "csv", "json")
FORMATS_REPORT = ("table", "markdown", "json", "csv")


def main() -> None:
    """Console entry point: run the CLI and turn known errors into one line and exit code 2."""
    from navigator.data.errors import NavigatorError

    try:
        cli.main(standalone_mode=False)
    except NavigatorError as exc:
        click.echo(f"navigator: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("navigator: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("navigator: interrupted", err=True)
        sys.exit(130)


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="The DuckDB file to read (default: the bundled sample, generated on first use).",
)
source_option = click.option(
    "--source",
    "source",
    default=None,
    metavar="URI",
    help="Where the data lives: a DuckDB file, parquet:DIR (one file a table), postgres://user@host:port/db, "
    "ducklake:postgres:dbname=... host=..., or md:... (see docs/sources.md). Read-only.",
)


def filter_options(func: Any) -> Any:
    for name, help_text in reversed(
        (
            ("market", "Only this market (market_id)."),
            ("segment", "Only this segment (Enterprise, Mid-market, SMB)."),
            ("region", "Only this region."),
            ("team", "Only this team (team_id)."),
        )
    ):
        func = click.option(f"--{name}", default=None, help=help_text)(func)
    return func


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (default: config.toml in the user's config directory).",
)
theme_option = click.option(
    "--theme", type=click.Choice(["dark", "light"]), default=None, help="Dark, or high-contrast light."
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@source_option
@config_option
@theme_option
@click.option("--present", is_flag=True, help="Presentation mode: big figures, panels cycle (see `present`).")
@click.option("--cycle", type=float, default=None, help="Presentation mode: seconds per panel.")
@click.option("--ssh/--no-ssh", "ssh", default=None, help="Low-bandwidth mode (default: on under SSH).")
@click.option("--no-mouse", is_flag=True, help="Do not capture the mouse.")
@click.version_option(__version__, prog_name="navigator")
@click.pass_context
def cli(
    ctx: click.Context,
    db_path: Path | None,
    source: str | None,
    config_path: Path | None,
    theme: str | None,
    present: bool,
    cycle: float | None,
    ssh: bool | None,
    no_mouse: bool,
) -> None:
    """navigator: are we building value or extracting it, and where is the market going?

    Run without a command to open the dashboard on the sample data (or --db PATH, or --source URI).
    """
    ctx.obj = {"config_path": config_path}
    if ctx.invoked_subcommand is None:
        launch_dashboard(
            db_path, source, config_path, theme=theme, present=present, cycle=cycle, ssh=ssh, mouse=not no_mouse
        )


@cli.command()
@db_option
@source_option
@config_option
@theme_option
@click.option("--cycle", type=float, default=None, help="Seconds per panel (default 20, or the config's).")
@click.option("--no-mouse", is_flag=True, help="Do not capture the mouse.")
def present(
    db_path: Path | None,
    source: str | None,
    config_path: Path | None,
    theme: str | None,
    cycle: float | None,
    no_mouse: bool,
) -> None:
    """Presentation mode for a projector: no chrome, big figures, panels cycle; Space pauses, arrows step."""
    launch_dashboard(db_path, source, config_path, theme=theme, present=True, cycle=cycle, ssh=None, mouse=not no_mouse)


def launch_dashboard(
    db_path: Path | None,
    source: str | None,
    config_path: Path | None,
    *,
    theme: str | None,
    present: bool,
    cycle: float | None,
    ssh: bool | None,
    mouse: bool,
) -> None:
    """Open the dashboard with the settings file's defaults under the command line's choices.

    In a terminal the first frame comes first: the app opens the data in a worker after
    painting, so DuckDB and Polars load while the user already sees the dashboard's chrome. An
    error in opening ends the app with `open_error`, printed here as the usual one line (exit 2).
    Without a terminal (pipes, textual-serve) there is no frame to hurry, and the data is
    opened before the app starts, as every other command does.
    """
    import os

    from navigator.config import load_config

    config = load_config(config_path)
    if cycle is not None and not 2 <= cycle <= 3600:
        from navigator.data.errors import UsageError

        raise UsageError(f"--cycle must be between 2 and 3600 seconds, got {cycle:g}")
    low_bandwidth = ssh if ssh is not None else bool(os.environ.get("SSH_CONNECTION"))
    if low_bandwidth:
        # Textual reads these when it is first imported: fewer frames, no animation.
        os.environ.setdefault("TEXTUAL_FPS", "20")
        os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
        os.environ.setdefault("TEXTUAL_SMOOTH_SCROLL", "0")
    if db_path is None and source is None:
        source = config.source
    from navigator.data.report import Filters, ViewState
    from navigator.ui.app import Opener, _last_complete_month, run_dashboard
    from navigator.ui.themes import DARK_THEME, LIGHT_THEME

    def initial_state(db: Database) -> ViewState:
        return ViewState(
            as_of=db.as_of or _last_complete_month(),
            window=config.window,
            compare=config.compare,
            filters=Filters(**config.filters),
        )

    data: Database | Opener
    if _in_terminal():
        data = Opener(_check_before_opening(db_path, source), partial(open_db, db_path, source))
    else:
        data = open_db(db_path, source)
    chosen_theme = theme or config.theme or ("light" if present else "dark")
    app = run_dashboard(
        data,
        state=initial_state,
        theme=LIGHT_THEME if chosen_theme == "light" else DARK_THEME,
        present=present,
        cycle_seconds=cycle or config.cycle_seconds,
        targets=config.targets,
        low_bandwidth=low_bandwidth,
        mouse=mouse,
    )
    if app.open_error:
        from navigator.data.errors import DataSourceError

        raise DataSourceError(app.open_error)
    if app.opening:
        # Quit while DuckDB was still opening the data: nothing to save (read-only), and a
        # thread inside DuckDB can neither be stopped nor outlived by a normal exit.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)


def _in_terminal() -> bool:
    """Whether the dashboard draws on a terminal (Textual reads stdin and writes to stderr)."""
    return all(stream is not None and stream.isatty() for stream in (sys.__stdin__, sys.__stderr__))


def _check_before_opening(db_path: Path | None, source: str | None) -> str:
    """What can be checked without DuckDB before the app starts, and the label to show meanwhile:
    --db and --source together, a missing --db file, and the sample generated on first use."""
    from navigator.data.errors import DataSourceError, UsageError

    if db_path is not None and source is not None:
        raise UsageError("give --db PATH or --source URI, not both")
    if source is not None:
        return source
    if db_path is not None:
        path = db_path.expanduser()
        if not path.exists():
            raise DataSourceError(f"no such file: {path}")
        return str(path)
    return str(default_sample())


def _data_location(db_path: Path | None, source: str | None) -> tuple[Path | None, str | None]:
    """--db or --source if given, else the settings file's source (the root command's --config)."""
    if db_path is not None or source is not None:
        return db_path, source
    from navigator.config import load_config

    root = click.get_current_context().find_root()
    config_path = (root.obj or {}).get("config_path")
    return None, load_config(config_path).source


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the DuckDB file (default: the sample location).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same data.")
@click.option(
    "--scale",
    default="demo",
    show_default=True,
    help="'demo', or a number of lifecycle events such as 250k, 1m, 10m.",
)
@click.option("--force", is_flag=True, help="Replace an existing file that is not a navigator sample.")
def sample(out: Path | None, seed: int, scale: str, force: bool) -> None:
    """Generate a sample database that tells the story (deterministic for a seed)."""
    from navigator.data.paths import default_sample_path
    from navigator.data.sample import parse_scale

    target = out or default_sample_path()
    parse_scale(scale)  # refuse bad input before touching anything
    if target.exists() and not force:
        _refuse_to_replace_foreign_file(target)
    counts = generate_with_progress(target, seed=seed, scale=scale)
    total = sum(counts.values())
    click.echo(f"wrote {target} ({total:,} rows in {len(counts)} tables, seed {seed}, scale {scale})")


def _refuse_to_replace_foreign_file(target: Path) -> None:
    """Only a navigator sample may be overwritten without --force: never clobber someone's data."""
    import duckdb

    from navigator.data.errors import UsageError

    try:
        conn = duckdb.connect(str(target), read_only=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'generator'").fetchone()
        finally:
            conn.close()
    except duckdb.Error:
        row = None
    if not row or row[0] != "navigator-sample":
        raise UsageError(f"{target} exists and is not a navigator sample; use --force to replace it")


def generate_with_progress(target: Path, seed: int, scale: str | int) -> dict[str, int]:
    """Generate with a Rich progress bar that appears only if it takes more than a second."""
    from navigator.data.sample import generate

    with delayed_progress("sample") as on_progress:
        return generate(target, seed=seed, scale=scale, progress=on_progress)


@contextmanager
def delayed_progress(title: str, delay: float = 1.0) -> Iterator[Callable[[float, str], None]]:
    """A `progress(fraction, label)` callback that draws a Rich bar on stderr once `delay` seconds
    have passed (quick work shows nothing), and removes it at the end."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    started = time.monotonic()
    progress = Progress(
        TextColumn(f"[bold]{title}[/]"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    )
    task = progress.add_task("starting", total=1.0)
    shown = False

    def on_progress(fraction: float, label: str) -> None:
        nonlocal shown
        if not shown and time.monotonic() - started > delay:
            progress.start()
            shown = True
        progress.update(task, completed=fraction, description=label)

    try:
        yield on_progress
    finally:
        if shown:
            progress.stop()


@cli.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE_OR_DIR...")
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The DuckDB file to create or update (its other tables are kept).",
)
@click.option("--table", default=None, help="The table the files fill (default: each file's name).")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A TOML file that renames columns and sets constant values (docs/import.md).",
)
@click.option(
    "--as-of", "as_of", default=None, metavar="YYYY-MM", help="The data's as-of month (default: from the data)."
)
@click.option(
    "--date-format",
    default=None,
    metavar="FORMAT",
    help="How dates are written, as a strptime format such as %d/%m/%Y (ISO, YYYYMMDD, YYYY/MM/DD and "
    "DD.MM.YYYY need none).",
)
@click.option("--decimal-comma", is_flag=True, help="Amounts are written 1 234,50 (a comma before the decimals).")
@click.option(
    "--rates",
    "rates_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A CSV of exchange rates (currency,rate[,month]) for amounts in several currencies.",
)
@click.option("--currency", default=None, metavar="CODE", help="The book's currency, with --rates (e.g. EUR).")
@click.option(
    "--keep-duplicates", is_flag=True, help="Count rows identical to an earlier row instead of setting them aside."
)
def import_(
    inputs: tuple[Path, ...],
    db_path: Path,
    table: str | None,
    mapping_path: Path | None,
    as_of: str | None,
    date_format: str | None,
    decimal_comma: bool,
    rates_path: Path | None,
    currency: str | None,
    keep_duplicates: bool,
) -> None:
    """Import CSV, Parquet or JSON exports into a navigator database, validated, atomically.

    Each file fills the table it is named after (accounts.csv -> accounts), or --table. A
    transactions file (orders, invoices or payments: customer, date, amount) becomes monthly
    revenue movements; accounts are optional. Nothing is written unless every file passes every
    check; the old file is replaced in one rename.
    """
    from navigator.data.importer import ImportOptions, run_import

    options = ImportOptions(
        table=table,
        mapping_path=mapping_path,
        as_of=_parse_month_option(as_of),
        date_format=date_format,
        decimal_comma=decimal_comma,
        rates_path=rates_path,
        currency=currency,
        keep_duplicates=keep_duplicates,
    )
    with delayed_progress("import") as on_progress:
        result = run_import(db_path, list(inputs), options, progress=on_progress)
    for note in result.notes:
        click.echo(f"navigator: note: {note}", err=True)
    if result.set_aside:
        count = result.set_aside_count
        click.echo(f"navigator: warning: {count:,} row{'s' if count != 1 else ''} set aside, not counted:", err=True)
        for line in result.set_aside:
            click.echo(f"  {line}", err=True)
    as_of_text = f"{result.as_of:%Y-%m}" if result.as_of else "unknown"
    click.echo(f"imported into {result.target} (as of {as_of_text}):")
    width = max(len(name) for name in result.loaded)
    for name, rows in result.loaded.items():
        origin = ", ".join(result.sources.get(name, []))
        if name == "revenue_movements" and result.transactions is not None:
            origin = f"derived from {result.transactions:,} transactions in {origin}"
        elif name == "accounts" and not result.sources.get(name):
            origin = "made from the revenue's account ids"
        else:
            origin = f"from {origin}"
        click.echo(f"  {name:<{width}}  {rows:>9,} {'row ' if rows == 1 else 'rows'}  {origin}")
    if result.kept:
        click.echo(f"kept from the previous file: {', '.join(result.kept)}")
    for line in result.summary:
        click.echo(f"- {line}")


@cli.command()
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The navigator DuckDB file whose summary tables to rebuild.",
)
def refresh(db_path: Path) -> None:
    """Rebuild the summary tables the dashboard reads (after the file was changed by other tools).

    `navigator sample` and `navigator import` build them themselves. A file whose summary tables are
    missing or out of date still opens (they are then built in memory each time, which is slower).
    The file is rewritten beside itself and swapped in atomically, like an import.
    """
    from navigator.data.importer import refresh as refresh_file

    with delayed_progress("refresh") as on_progress:
        seconds = refresh_file(db_path, progress=on_progress)
    click.echo(f"summary tables of {db_path.expanduser()} rebuilt in {seconds:.1f} s")


@cli.command()
@click.argument("name", required=False)
@db_option
@source_option
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS_QUERY), default="table", show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
def query(
    name: str | None,
    db_path: Path | None,
    source: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_queries: bool,
) -> None:
    """Run one named query (queries/*/NAME.sql) and print its rows."""
    from navigator.data import queries
    from navigator.data.errors import UsageError

    if list_queries:
        _print_query_list(queries.registry())
        return
    if not name:
        raise UsageError("name a query to run, or use --list to see them")
    named = queries.get(name)  # unknown names fail before the file is opened
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    named.bind(values, as_of=None if "as_of" in values else _placeholder_month())  # validate names and types
    db = open_db(*_data_location(db_path, source))
    try:
        frame = db.run(name, **values)
    finally:
        db.close()
    _print_frame(frame, fmt, title=name)


def _placeholder_month() -> Any:
    import datetime as dt

    return dt.date(2000, 1, 1)


def _print_query_list(registry: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="named queries", show_lines=True)
    table.add_column("name")
    table.add_column("parameters")
    table.add_column("returns / description", overflow="fold")
    for named in registry.values():
        table.add_row(
            named.name,
            "\n".join(param.describe() for param in named.params) or "-",
            f"{named.description}\n[dim]{', '.join(named.returns)}[/]",
        )
    Console().print(table)


def _print_frame(frame: Any, fmt: str, title: str) -> None:
    from navigator import output

    if fmt == "csv":
        click.echo(output.frame_csv(frame), nl=False)
    elif fmt == "json":
        click.echo(output.frame_json(frame))
    else:
        from rich.console import Console

        Console().print(output.frame_rich_table(frame, title=title))


@cli.command()
@db_option
@source_option
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="YYYY-MM",
    help="The month to report (default: latest complete).",
)
@click.option("--window", type=int, default=3, show_default=True, help="Months in a period (1-12).")
@click.option(
    "--compare",
    type=click.Choice(["previous", "year"]),
    default="previous",
    show_default=True,
    help="Compare with the previous period or the same period a year earlier.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS_REPORT), default="table", show_default=True)
@click.option("--table", "table", default=None, metavar="NAME", help="With --format csv or json: one board-pack table.")
@filter_options
def report(
    db_path: Path | None,
    source: str | None,
    as_of: str | None,
    window: int,
    compare: str,
    fmt: str,
    table: str | None,
    **filters: str | None,
) -> None:
    """Headline metrics beside the previous period; markdown is the board pack of every panel.

    table: the headline figures. markdown: every panel's key figures and tables with the
    definitions as footnotes, stable so that two packs diff line by line. json: the same for
    scripts. csv --table NAME: one table (an unknown NAME lists them).
    """
    from navigator.data.errors import UsageError
    from navigator.data.report import ViewState

    if not 1 <= window <= 12:
        raise UsageError(f"--window must be between 1 and 12 months, got {window}")
    if fmt == "csv" and not table:
        raise UsageError("--format csv needs --table NAME (one board-pack table)")
    if table and fmt not in ("csv", "json"):
        raise UsageError("--table goes with --format csv or --format json")
    month = _parse_month_option(as_of)
    db = open_db(*_data_location(db_path, source))
    try:
        if fmt == "table":
            from rich.console import Console

            from navigator import output
            from navigator.data.report import build_report

            result = build_report(
                db,
                as_of=month,
                window=window,
                filters=_filters(filters),
                compare_months=12 if compare == "year" else None,
            )
            Console().print(output.report_rich_table(result))
            if db.rows_set_aside:
                click.echo(f"{_rows_set_aside(db)}: not counted in these figures")
            return
        from navigator.boardpack import render_board_pack

        state = ViewState(as_of=month or db.as_of, window=window, compare=compare, filters=_filters(filters))
        text = render_board_pack(db, state, fmt, table)
    finally:
        db.close()
    click.echo(text, nl=not text.endswith("\n"))
    if db.rows_set_aside:  # stdout stays the pack or the JSON: the note goes to stderr
        click.echo(f"navigator: note: {_rows_set_aside(db)}: not counted", err=True)


def _rows_set_aside(db: Database) -> str:
    return f"{db.rows_set_aside:,} row{'s' * (db.rows_set_aside != 1)} set aside at import"


def _parse_month_option(text: str | None) -> Any:
    if text is None:
        return None
    from navigator.data.errors import UsageError
    from navigator.data.queries import parse_month_or_date

    try:
        return parse_month_or_date(text).replace(day=1)
    except ValueError:
        raise UsageError(f"--as-of takes a month like 2026-10, got {text!r}") from None


def _filters(options: dict[str, str | None]) -> Filters:
    from navigator.data.report import Filters

    return Filters(
        market_id=options.get("market"),
        segment=options.get("segment"),
        region=options.get("region"),
        team_id=options.get("team"),
    )


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.svg or FILE.png")
@click.option("--panel", default="overview", show_default=True, help="Panel name or number.")
@click.option("--size", default="160x50", show_default=True, help="Terminal size WIDTHxHEIGHT.")
@click.option("--theme", type=click.Choice(["dark", "light"]), default="dark", show_default=True)
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM", help="The month to show (default: latest).")
@click.option("--window", type=int, default=3, show_default=True, help="Months in a period (1, 3, 6 or 12).")
@db_option
@source_option
@filter_options
def snapshot(
    out: Path,
    panel: str,
    size: str,
    theme: str,
    as_of: str | None,
    window: int,
    db_path: Path | None,
    source: str | None,
    **filters: str | None,
) -> None:
    """Render a panel to SVG (or PNG) for slides; the same data gives the same picture."""
    from navigator.data.errors import UsageError
    from navigator.data.report import ViewState
    from navigator.ui.snapshot import panel_number, parse_size, render_svg, write_picture
    from navigator.ui.themes import DARK_THEME, LIGHT_THEME

    dimensions = parse_size(size)
    panel_number(panel)
    if window not in (1, 3, 6, 12):
        raise UsageError(f"--window must be 1, 3, 6 or 12, got {window}")
    month = _parse_month_option(as_of)
    db = open_db(*_data_location(db_path, source))
    try:
        from navigator.ui.app import _last_complete_month

        state = ViewState(as_of=month or db.as_of or _last_complete_month(), window=window, filters=_filters(filters))
        svg = render_svg(
            db, panel=panel, size=dimensions, theme=LIGHT_THEME if theme == "light" else DARK_THEME, state=state
        )
    finally:
        db.close()
    for path in write_picture(svg, out):
        click.echo(f"wrote {path}")


def open_db(db_path: Path | None, source: str | None = None) -> Database:
    """The file or source the user named, or the sample (generated on first use, with a visible message)."""
    from navigator.data.source import open_database, open_source

    if db_path is not None and source is not None:
        from navigator.data.errors import UsageError

        raise UsageError("give --db PATH or --source URI, not both")
    if source is not None:
        return open_source(source)
    if db_path is not None:
        return open_database(db_path)
    return open_database(default_sample())


def default_sample() -> Path:
    """The bundled sample's path, generated there on first use (with a line saying so)."""
    from navigator.data.paths import default_sample_path

    target = default_sample_path()
    if not target.exists():
        click.echo(f"navigator: first run: generating the sample database at {target} ...", err=True)
        generate_with_progress(target, seed=42, scale="demo")
    return target


cli.add_command(__import__("navigator.serve", fromlist=["serve"]).serve)  # navigator serve: in a browser


if __name__ == "__main__":
    main()

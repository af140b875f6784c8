"""Raw values (text from a CSV, or typed from Parquet and JSON) turned into their column's type.

What is accepted is in docs/import.md, "Values": dates as ISO, `YYYYMMDD`, `YYYY/MM/DD`,
`DD.MM.YYYY`, day-first or month-first with slashes when the column's values settle which, and any
strptime format with `--date-format`; amounts with a currency sign or code, thousands separators,
negatives as `-12` or `(12)`, and a decimal comma with `--decimal-comma`. A value that does not
parse is marked bad, with what was expected; a column whose dates could be read two ways is one
problem for the whole column, naming the choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

POLARS_TYPES: dict[str, Any] = {
    "VARCHAR": pl.String,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
    "DOUBLE": pl.Float64,
    "INTEGER": pl.Int32,
    "BOOLEAN": pl.Boolean,
}

DATE_FORMATS_SHOWN = "YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or DD.MM.YYYY; --date-format for others"
# (a date that is none of these: with --date-format, the message names the format given)
EXPECTED_TYPE = {
    "VARCHAR": "expected text",
    "DATE": f"expected a date ({DATE_FORMATS_SHOWN})",
    "TIMESTAMP": "expected a date and time as YYYY-MM-DD HH:MM[:SS]",
    "DOUBLE": "expected a number such as 1234.5, 1,234.50, $1,234.50 or (12)",
    "INTEGER": "expected a whole number",
    "BOOLEAN": "expected true or false",
}
TOO_BIG = "expected a number that fits in a DOUBLE (at most about ±1.8e308)"
WITH_A_TIME = " (without a time of day)"
MONTH_EXPECTED = "expected a month as YYYY-MM-01 or YYYY-MM"


@dataclass(frozen=True)
class ParseOptions:
    """How the user said their values are written (`navigator import` options)."""

    date_format: str | None = None  # a strptime format tried first on every date column
    decimal_comma: bool = False  # 1 234,50 rather than 1,234.50


@dataclass
class Parsed:
    values: pl.Series  # in the column's type; null where empty or unparseable
    bad: pl.Series  # True where a value was given but did not parse
    expected: pl.Series | None = None  # per-row message where it differs from the type's
    # a problem of the whole column (dates that read two ways), with an example value; its rows are
    # bad but not listed one by one
    column_problem: str | None = None
    column_example: str | None = None
    silent: pl.Series | None = None
    notes: list[str] = field(default_factory=list)  # how the column was read, for the summary
    currencies: pl.Series | None = None  # the currency sign or code written with each amount


def parse_column(
    raw: pl.Series,
    duck_type: str,
    *,
    month: bool = False,
    any_time: bool = False,
    options: ParseOptions | None = None,
) -> Parsed:
    """Raw values in the column's type. `month`: a month column (`2026-10` is its first day);
    `any_time`: a date column where a time of day is dropped rather than refused."""
    options = options or ParseOptions()
    target = POLARS_TYPES[duck_type]
    given = raw.is_not_null()
    dtype = raw.dtype
    parsed: Parsed | None = None
    if dtype == pl.Null:
        values = pl.repeat(None, len(raw), dtype=target, eager=True).alias(raw.name)
    elif duck_type == "VARCHAR":
        values = raw if dtype == pl.String else raw.cast(pl.String)
    elif dtype == pl.String:
        parsed = _parse_text(raw, duck_type, month, any_time, options)
        values = parsed.values
    elif duck_type == "DOUBLE" and dtype.is_numeric():
        number = raw.cast(pl.Float64, strict=False)
        values = pl.select(pl.when(number.is_finite()).then(number).otherwise(None)).to_series()
        expected = _when(number.is_infinite(), TOO_BIG, EXPECTED_TYPE["DOUBLE"])
        parsed = Parsed(values, values, expected)
    elif duck_type == "INTEGER" and dtype.is_numeric():
        as_float = raw.cast(pl.Float64, strict=False)
        whole = as_float.is_finite() & (as_float == as_float.floor()) & as_float.is_between(-(2**31), 2**31 - 1)
        values = pl.select(pl.when(whole).then(raw.cast(pl.Int64, strict=False)).otherwise(None)).to_series()
        values = values.cast(pl.Int32)
    elif duck_type == "BOOLEAN" and dtype == pl.Boolean:
        values = raw
    elif duck_type == "BOOLEAN" and dtype.is_integer():
        values = pl.select(
            pl.when(raw == 1).then(True).when(raw == 0).then(False).otherwise(None).cast(pl.Boolean)
        ).to_series()
    elif duck_type == "DATE" and dtype == pl.Date:
        values = raw
    elif duck_type == "DATE" and isinstance(dtype, pl.Datetime):
        naive = raw.dt.replace_time_zone(None) if dtype.time_zone else raw
        keep = pl.lit(True) if any_time else naive.dt.time() == dt.time(0)
        values = pl.select(pl.when(keep).then(naive.dt.date()).otherwise(None)).to_series()
        parsed = Parsed(values, values, pl.repeat(EXPECTED_TYPE["DATE"] + WITH_A_TIME, len(raw), eager=True))
    elif duck_type == "TIMESTAMP" and isinstance(dtype, pl.Datetime):
        values = raw.dt.convert_time_zone("UTC").dt.replace_time_zone(None) if dtype.time_zone else raw
        values = values.cast(pl.Datetime("us"))
    elif duck_type == "TIMESTAMP" and dtype == pl.Date:
        values = raw.cast(pl.Datetime("us"))
    else:
        # anything else (a number where a date belongs, a nested value...): judge its text
        try:
            as_text = raw.cast(pl.String)
        except pl.exceptions.PolarsError:
            as_text = pl.Series(raw.name, [None if v is None else str(v) for v in raw.to_list()], dtype=pl.String)
        parsed = _parse_text(as_text, duck_type, month, any_time, options)
        values = parsed.values
    values = values.rename(raw.name).cast(target)
    bad = given & values.is_null()
    if parsed is None:
        return Parsed(values, bad)
    parsed.values, parsed.bad = values, bad
    return parsed


def _when(condition: pl.Series, then: str, otherwise: str) -> pl.Series:
    return pl.select(pl.when(condition).then(pl.lit(then)).otherwise(pl.lit(otherwise))).to_series()


def _parse_text(raw: pl.Series, duck_type: str, month: bool, any_time: bool, options: ParseOptions) -> Parsed:
    text = raw.str.strip_chars()
    if duck_type == "DOUBLE":
        return parse_amounts(text, options.decimal_comma)
    if duck_type == "INTEGER":
        number = text.cast(pl.Int64, strict=False)
        values = pl.select(pl.when(number.is_between(-(2**31), 2**31 - 1)).then(number).otherwise(None)).to_series()
        return Parsed(values, values)
    if duck_type == "BOOLEAN":
        lowered = text.str.to_lowercase()
        values = pl.select(
            pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False).otherwise(None)
        ).to_series()
        return Parsed(values, values)
    if duck_type == "DATE":
        return parse_dates(text, month=month, any_time=any_time, date_format=options.date_format)
    if duck_type == "TIMESTAMP":
        values = _parse_datetimes(text)
        return Parsed(values, values)
    return Parsed(text, text)  # pragma: no cover - VARCHAR never comes here


_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")

# --- dates ------------------------------------------------------------------------------------------

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
)
# A time zone at the end of a date and time ('Z', '+02:00', ' UTC'): the date is taken as written.
_ZONE = r"(?i)(?:\s*(?:z|utc|gmt)|\s*[+-]\d{2}:?\d{2})$"
# The unambiguous forms, each with the pattern its values must match in full.
_DATE_FORMS = (
    (r"^\d{4}-\d{1,2}-\d{1,2}$", "%Y-%m-%d"),
    (r"^\d{8}$", "%Y%m%d"),
    (r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
)
_SLASHED = r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$"


def parse_dates(
    text: pl.Series, *, month: bool = False, any_time: bool = False, date_format: str | None = None
) -> Parsed:
    """Dates from text: the user's format first, then the unambiguous forms, then day-first or
    month-first slashed dates when the column's values settle which."""
    notes: list[str] = []
    given = text.is_not_null() & (text != "")
    fast = None
    if not date_format:  # the two usual forms first, cheaply; the rest below
        length = text.str.len_bytes()
        fast = pl.select(
            pl.when(length == 10)
            .then(text.str.to_date("%Y-%m-%d", strict=False))
            .when((length == 8) & text.str.contains(r"^\d{8}$"))
            .then(text.str.to_date("%Y%m%d", strict=False))
        ).to_series()
        text = pl.select(pl.when(fast.is_null()).then(text)).to_series().rename(text.name)
    day, time = _split_time(text)
    values = pl.repeat(None, len(text), dtype=pl.Date, eager=True).alias(text.name)
    if date_format:
        values = values.fill_null(text.str.to_date(date_format, strict=False))
        values = values.fill_null(text.str.to_datetime(date_format, strict=False).dt.date())
    for pattern, fmt in _DATE_FORMS:
        form = pl.select(pl.when(day.str.contains(pattern)).then(day.str.to_date(fmt, strict=False))).to_series()
        values = values.fill_null(form)
    if month:
        for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
            sep = fmt[2]
            whole = pl.select(pl.when(day.str.contains(rf"^\d{{4}}{sep}\d{{1,2}}$")).then(day + f"{sep}01")).to_series()
            values = values.fill_null(whole.str.to_date(fmt, strict=False))
    problem = example = None
    silent = None
    slashed = day.str.extract_groups(_SLASHED)
    first, second = (slashed.struct.field(str(i)).cast(pl.Int32, strict=False) for i in (1, 2))
    is_slashed = values.is_null() & first.is_not_null()
    if is_slashed.any():
        day_first = bool((first > 12).fill_null(False).any())
        month_first = bool((second > 12).fill_null(False).any())
        sample = text.filter(is_slashed)[0]
        if day_first == month_first:
            problem = (
                "these dates can be read day first or month first"
                + (" (some only one way, some only the other)" if day_first else "")
                + ": give --date-format %d/%m/%Y (day first) or --date-format %m/%d/%Y (month first)"
            )
            example = repr(sample)
            silent = is_slashed
        else:
            years = slashed.struct.field("3")
            ordered = pl.concat_str(
                [
                    years,
                    (second if day_first else first).cast(pl.String),
                    (first if day_first else second).cast(pl.String),
                ],
                separator="-",
            )
            values = values.fill_null(
                pl.select(pl.when(is_slashed).then(ordered)).to_series().str.to_date("%Y-%m-%d", strict=False)
            )
            settled = text.filter((first > 12) if day_first else (second > 12))[0]
            notes.append(
                f"dates read {'day' if day_first else 'month'} first ({'DD/MM/YYYY' if day_first else 'MM/DD/YYYY'}):"
                f" {settled!r} reads only that way"
            )
    if not any_time:  # a date written with a time of day must be at midnight
        midnight = time.is_null() | time.str.contains(r"^0{1,2}:00(:00(\.0+)?)?$")
        values = pl.select(pl.when(midnight).then(values)).to_series()
    if fast is not None:
        values = fast.fill_null(values)
    values = pl.select(pl.when(given).then(values)).to_series().rename(text.name)
    expected = None
    if month:
        expected = pl.repeat(MONTH_EXPECTED, len(text), eager=True)
    elif date_format:
        written = f"expected a date written {date_format} (--date-format), or {DATE_FORMATS_SHOWN.split(';')[0]}"
        expected = pl.repeat(written, len(text), eager=True)
    elif not any_time and time.is_not_null().any():
        expected = _when(time.is_not_null(), EXPECTED_TYPE["DATE"] + WITH_A_TIME, EXPECTED_TYPE["DATE"])
    return Parsed(values, values, expected, problem, example, silent, notes)


def _split_time(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(the date part, the time part or null) of values written as a date with a time of day."""
    bare = text.str.replace(_ZONE, "")
    parts = bare.str.extract_groups(r"^(\S+?)(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$")
    day = pl.select(pl.coalesce(parts.struct.field("1"), text)).to_series()
    return day, parts.struct.field("2")


def _parse_datetimes(text: pl.Series) -> pl.Series:
    values = pl.repeat(None, len(text), dtype=pl.Datetime("us"), eager=True).alias(text.name)
    for fmt in _DATETIME_FORMATS:
        values = values.fill_null(text.str.to_datetime(fmt, strict=False, time_unit="us"))
    date_only = text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    return values.fill_null(pl.select(pl.when(text.str.len_chars() <= 10).then(date_only)).to_series())


# --- amounts ----------------------------------------------------------------------------------------

_SIGNS = "$€£¥₪₹"
_AMOUNT = (
    r"^(?P<open>\()?\s*(?P<s1>[-+\u2212])?\s*(?P<c1>[" + _SIGNS + r"]|[A-Za-z]{3})?\s*(?P<s2>[-+\u2212])?\s*"
    r"(?P<num>[0-9][0-9.,'\u00a0\u202f ]*[0-9]|[0-9]|[.,][0-9]+)(?P<exp>[eE][-+]?[0-9]+)?"
    r"\s*(?P<c2>[" + _SIGNS + r"]|[A-Za-z]{3})?\s*(?P<close>\))?\s*(?P<s3>-)?$"
)
_GROUPS = "[,'\u00a0\u202f ]"
_POINT = rf"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[0-9]{{1,3}}(?:{_GROUPS}[0-9]{{3}})+(?:\.[0-9]*)?)$"
_COMMA_GROUPS = "[.'\u00a0\u202f ]"
_COMMA = rf"^(?:[0-9]+(?:,[0-9]*)?|,[0-9]+|[0-9]{{1,3}}(?:{_COMMA_GROUPS}[0-9]{{3}})+(?:,[0-9]*)?)$"
NUMBER_TEXT = ("nan", "inf", "infinity")


def parse_amounts(text: pl.Series, decimal_comma: bool = False) -> Parsed:
    """Amounts from text; the currency sign or code each was written with goes to `currencies`."""
    plain = None
    if not decimal_comma:  # plain numbers first, cheaply; the rest below
        plain = text.cast(pl.Float64, strict=False)
        plain = pl.select(pl.when(plain.is_finite()).then(plain)).to_series()
        text = pl.select(pl.when(plain.is_null()).then(text)).to_series()
    parts = text.str.extract_groups(_AMOUNT)
    field_ = parts.struct.field
    num = field_("num").str.strip_chars()
    exponent = field_("exp").fill_null("")
    if decimal_comma:
        valid = num.str.contains(_COMMA) & (exponent == "")
        digits = num.str.replace_all(_COMMA_GROUPS, "").str.replace(",", ".", literal=True)
        other = num.str.contains(_POINT)
        hint = " (written with a decimal point: leave out --decimal-comma)"
    else:
        valid = num.str.contains(_POINT)
        digits = num.str.replace_all(_GROUPS, "")
        other = num.str.contains(_COMMA) & (exponent == "")
        hint = " (written with a decimal comma? give --decimal-comma)"
    opened, closed = field_("open").is_not_null(), field_("close").is_not_null()
    minus = pl.select(
        pl.any_horizontal([field_(s).is_in(["-", "\u2212"]).fill_null(False) for s in ("s1", "s2", "s3")])
    ).to_series()
    sign = pl.select(pl.when((opened & closed) | minus).then(-1.0).otherwise(1.0)).to_series()
    number = (digits + exponent).cast(pl.Float64, strict=False) * sign
    ok = valid.fill_null(False) & (opened == closed)
    values = pl.select(pl.when(ok & number.is_finite()).then(number)).to_series()
    currencies = pl.select(pl.coalesce(field_("c1"), field_("c2")).str.to_uppercase()).to_series()
    # the reason, for the values given that did not parse (null elsewhere: a million rows of it is memory)
    expected = pl.select(
        pl.when(text.is_null() | (ok & number.is_finite()))
        .then(None)
        .when(ok & number.is_infinite())
        .then(pl.lit(TOO_BIG))
        .when(other.fill_null(False) & ~valid.fill_null(False))
        .then(pl.lit(EXPECTED_TYPE["DOUBLE"] + hint))
        .otherwise(pl.lit(EXPECTED_TYPE["DOUBLE"]))
    ).to_series()
    if plain is not None:
        values = plain.fill_null(values)
    return Parsed(values, values, expected, currencies=pl.select(pl.when(ok).then(currencies)).to_series())


def fold(value: str) -> str:
    """A name or value as compared loosely: case, spaces, hyphens and underscores aside."""
    return "".join(ch for ch in value.casefold() if ch.isalnum())

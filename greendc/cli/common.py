"""What the commands share: option decorators, the output language, messages for the terminal."""

from __future__ import annotations

import os
from pathlib import Path

import click

from greendc.errors import GreenDCError

GRANULARITIES = ("monthly", "daily", "hourly", "15min")  # one word list for template and demo
SUBMISSION_TYPES = ".xlsx, .xlsm, .xls or .csv"


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """One BLAS thread per process, for commands that run a pool of worker processes.

    With each of two workers spinning BLAS threads on two cores, the workbench's pool assessed
    at 0.45x one process alone (benchmarks/README.md). Takes effect only before numpy loads; a
    variable the user set is kept.
    """
    for variable in BLAS_THREADS:
        os.environ.setdefault(variable, "1")


def say(key: str, lang: str, **values: object) -> str:
    """A terminal message from the catalogue (``cli.*``) in ``lang``."""
    from greendc.reference.messages import message

    return message(f"cli.{key}", lang, **values)


def _read_aliases(ctx, param, value):
    """The extra column names of every --aliases file, merged (checked here, at parse time)."""
    from greendc.reference.columns import merge_aliases, read_alias_file

    try:
        return merge_aliases(*(read_alias_file(path) for path in value or ()))
    except GreenDCError as exc:
        raise click.BadParameter(str(exc)) from None


def _read_limits(ctx, param, value):
    """The --limit KEY=VALUE changes as a Limits value."""
    from greendc.reference.settings import Limits

    limits = Limits()
    for text in value or ():
        key, _, number = text.partition("=")
        try:
            limits = limits.changed(key.strip(), float(number))
        except (GreenDCError, ValueError) as exc:
            raise click.BadParameter(f"{text}: {exc}") from None
    return limits


def _read_criteria(ctx, param, value):
    """--criteria as pack ids or paths: None (by location), () for "" (none), else the packs,
    each loaded now so that a bad pack fails before any file is read."""
    if value is None:
        return None
    from greendc.criteria import load_pack

    packs = tuple(p.strip() for p in value.split(",") if p.strip())
    try:
        for pack in packs:
            load_pack(pack)
    except GreenDCError as exc:
        raise click.BadParameter(str(exc)) from None
    return packs


LIMITS = click.option("--limit", "limits", multiple=True, metavar="KEY=VALUE",
                      callback=_read_limits,
                      help="Change a limit for this run, e.g. max_file_mb=500 or "
                           "batch_seconds_per_file=60 (`greendc docs submission-format`).")
ALIASES = click.option("--aliases", multiple=True, type=click.Path(dir_okay=False, exists=True),
                       callback=_read_aliases,
                       help="A TOML file of extra column names ([it_energy_kwh] aliases = [...]); "
                            "may be repeated.")
CRITERIA = click.option("--criteria", metavar="PACK[,PACK]", callback=_read_criteria,
                        help="Rule packs to check: built-in ids (`greendc criteria list`) or "
                             "paths to your own .toml packs [default: the packs that apply to "
                             "each facility's location]; an empty string checks none.")


def _role_names() -> str:
    from greendc.reference.columns import columns

    return ", ".join(c.short for c in columns().values())


def _read_columns(ctx, param, value):
    """--column ROLE=HEADER pairs, roles checked at parse time."""
    from greendc.reference.options import Options

    pairs = []
    for text in value or ():
        role, sep, target = text.partition("=")
        if not sep or not role.strip() or not target.strip():
            raise click.BadParameter(f"{text}: write ROLE=HEADER, e.g. it=\"Server hall load\" "
                                     "or facility=C")
        pairs.append((role.strip(), target.strip()))
    try:
        Options(columns=tuple(pairs)).column_mapping()
    except GreenDCError as exc:
        raise click.BadParameter(str(exc)) from None
    return tuple(pairs)


COLUMNS = click.option("--column", "columns", multiple=True, metavar="ROLE=HEADER",
                       callback=_read_columns,
                       help="Which column holds a role, by header text or column letter, e.g. "
                            "--column it=\"Server hall load\" --column facility=C; may be "
                            "repeated; wins over recognition. ROLE: " + _role_names() + ".")
YEAR = click.option("--year", type=click.IntRange(1990, 2100), metavar="YYYY",
                    help="Year of months written without one (1月, Jan) when the title, the "
                         "sheet name and the Facility sheet do not give it.")


def _remember_lang(ctx, param, value):
    """Keep the command's language where the error guard finds it."""
    root = ctx.find_root()
    root.ensure_object(dict)["lang"] = value
    return value


def lang_option(what: str):
    """--lang, with help that says what the language changes in this command (error lines
    are printed in it too)."""
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
                        show_default=True, callback=_remember_lang, is_eager=True,
                        help=f"Language of {what}, and of error messages.")


def emit_json(data: object, json_path: str | None) -> bool:
    """Write ``data`` as JSON to ``json_path``, or print it for ``-``; True when printed (the
    command then prints nothing else on standard output)."""
    import json

    if not json_path:
        return False
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if json_path == "-":
        click.echo(text)
        return True
    Path(json_path).write_text(text + "\n", encoding="utf-8")
    return False


def json_option(what: str):
    """--json [PATH|-]: the same meaning in every command."""
    return click.option("--json", "json_path", metavar="PATH|-", is_flag=False,
                        flag_value="-",
                        help=f"Also write {what} as JSON to PATH; `--json` alone or `--json -` "
                             "prints it on standard output (the rest then goes to standard "
                             "error).")

"""``greendc batch`` and ``greendc history``: a reviewer's folder of submissions."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from greendc.cli.common import (
    ALIASES,
    COLUMNS,
    CRITERIA,
    LIMITS,
    YEAR,
    lang_option,
    one_blas_thread,
    say,
)


def _state_file() -> Path:
    """Where greendc remembers the last batch folder used in each working folder."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "greendc" / "last-batch.json"


def _remember(out_dir: Path) -> None:
    path = _state_file()
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        known[str(Path.cwd())] = str(out_dir.resolve())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")
    except (OSError, ValueError):
        pass  # remembering is a convenience; the batch itself has run


def _last_batch() -> Path | None:
    try:
        known = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    last = known.get(str(Path.cwd()))
    return Path(last) if last else None


@click.command()
@click.argument("inbox", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", "--out", "out_dir",
              type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for reports/, summary.xlsx, index.html, errors.csv and the registry.")
@click.option("--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Worker processes (0: one per core).")
@CRITERIA
@click.option("--pdf", is_flag=True, help="Also write each report as PDF (needs WeasyPrint and "
                                          "CJK fonts; `greendc docs pdf`).")
@click.option("--force", is_flag=True, help="Assess again files the registry already holds.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Registry to use (share one across rounds) [default: OUTPUT/greendc.sqlite].")
@COLUMNS
@YEAR
@ALIASES
@LIMITS
@lang_option("the reports, summary.xlsx, errors.csv, index.html and the progress printed here")
def batch(inbox: Path, out_dir: Path, jobs: int, criteria, pdf: bool, force: bool,
          db: Path | None, columns, year, aliases, limits, lang: str) -> None:
    """Assess every submission under INBOX (.xlsx, .xlsm, .xls, .csv and zip archives of them).

    Writes one report and JSON per file, summary.xlsx, index.html and errors.csv into OUTPUT and
    records every outcome in an SQLite registry; a second run skips unchanged files. A
    greendc-columns.toml in INBOX maps columns for every file or per file (`greendc docs
    submission-format`); --column and --year win over it. Exits 0 when the batch ran, whatever
    the verdicts.
    """
    if jobs != 1:
        one_blas_thread()  # before numpy loads: the workers share the cores
    from greendc.batch import BatchOptions, run_batch
    from greendc.reference.options import Options

    options = BatchOptions(jobs=jobs, lang=lang, force=force, db=db, pdf=pdf,
                           options=Options(aliases=aliases, limits=limits, criteria=criteria,
                                           columns=columns, year=year))
    interactive = sys.stderr.isatty()
    last = [0.0]

    def progress(done: int, total: int, valid: int, invalid: int, seconds: float) -> None:
        left = seconds / done * (total - done) if done else 0
        line = say("progress", lang, done=done, total=total, valid=valid, invalid=invalid,
                   seconds=seconds, left=left)
        if interactive:
            click.echo("\r" + line.ljust(70), err=True, nl=done == total)
        elif done == total or seconds - last[0] >= 5:
            last[0] = seconds
            click.echo(line, err=True)

    result = run_batch(inbox, out_dir, options, progress)
    _remember(out_dir)
    click.echo(say("batch_done", lang, n=len(result.records), valid=result.valid,
                   invalid=result.invalid, skipped=result.skipped, seconds=result.seconds,
                   index=out_dir / "index.html"))


@click.command()
@click.argument("facility")
@click.option("-o", "--output", "--out", "out_dir",
              type=click.Path(file_okay=False, path_type=Path),
              help="The batch folder whose registry to read [default: the last batch folder "
                   "used from this working folder].")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="A registry file given directly (as batch --db).")
@lang_option("the lines printed here")
def history(facility: str, out_dir: Path | None, db: Path | None, lang: str) -> None:
    """List a facility's assessments across batch rounds (by name, operator or credit code)."""
    from greendc.batch import history as lookup
    from greendc.errors import GreenDCError
    from greendc.reference.messages import message

    if db is None:
        folder = out_dir or _last_batch()
        if folder is None:
            raise GreenDCError(say("no_batch_folder", lang))
        db = folder / "greendc.sqlite"
    rows = lookup(db, facility)
    if not rows:
        click.echo(say("no_history", lang, facility=facility, db=db))
        return
    for r in rows:
        pue = f"{r['pue']:.3f}" if r["pue"] is not None else "-"
        status = message(f"label.status.{r['status']}", lang)
        click.echo(say("history_line", lang, started=r["run_started"], status=status, pue=pue,
                       grade=r["grade"] or "-", facility=r["facility"] or "-", file=r["file"],
                       period=r["period"] or "-"))

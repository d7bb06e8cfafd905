"""The ``greendc`` command line: parse options, call the library, print, exit.

Errors from bad input (:class:`~greendc.errors.GreenDCError`) print one ``Error:`` line and exit
with status 1; usage errors exit with status 2 (click's convention).  Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from greendc import __version__
from greendc.errors import GreenDCError


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


LIMITS = click.option("--limit", "limits", multiple=True, metavar="KEY=VALUE",
                      callback=_read_limits,
                      help="Change a limit for this run, e.g. max_file_mb=500 or "
                           "batch_seconds_per_file=60 (see docs/submission-format.md).")
ALIASES = click.option("--aliases", multiple=True, type=click.Path(dir_okay=False, exists=True),
                       callback=_read_aliases,
                       help="A TOML file of extra column names ([it_energy_kwh] aliases = [...]); "
                            "may be repeated.")
LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="Language of the report or template.")


def _user_errors(func):
    """Turn greendc's own errors into one line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GreenDCError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="greendc")
def main() -> None:
    """greendc: green data-centre energy assessment.

    Read a metered energy workbook, compute PUE and related metrics and write an HTML report.
    Start with `greendc demo`, or `greendc template -o my-site.xlsx` to get a workbook to fill in.
    """


def _write_outputs(assessment, report: Path | None, json_path: str | None, lang: str,
                   template_dir: str | None, kind: str = "full",
                   xlsx: Path | None = None) -> None:
    from greendc.report.html import write_html
    from greendc.report.text import text_summary

    echo = functools.partial(click.echo, err=json_path == "-")
    data = assessment.to_dict()  # one dictionary for the JSON, the report and the workbook
    if json_path == "-":
        click.echo(assessment.to_json(data))
    elif json_path:
        echo(f"JSON    {assessment.write_json(json_path, data)}")
    if not assessment.ok:
        raise assessment.error()
    if report:
        echo(f"report  {write_html(assessment, report, lang, template_dir, kind, data)}")
    if xlsx:
        from greendc.report.excel import write_xlsx

        echo(f"Excel   {write_xlsx(assessment, xlsx, lang, data)}")
    echo(text_summary(assessment))


@main.command()
@click.argument("submission", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "report", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML report to write [default: SUBMISSION-NAME.report.html here].")
@click.option("--json", "json_path", metavar="PATH|-",
              help="Also write the JSON result to PATH, or to standard output with -.")
@click.option("--no-report", is_flag=True, help="Write no HTML report.")
@click.option("--kind", type=click.Choice(["full", "eligibility"]), default="full",
              show_default=True,
              help="full: the assessment report; eligibility: per rule pack, gates, scores and "
                   "verdict on one page with a reviewer's signature block.")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the assessment as an Excel workbook (metrics, monthly, findings, "
                   "criteria, savings).")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True),
              help="Folder of report templates that override the built-in ones.")
@click.option("--grid-factor", metavar="SERIES[:SCOPE[:YEAR]]|VALUE",
              help="Grid CO2 factor: a series entry such as mee-nbs:hebei:2022, or a value in "
                   "kgCO2/kWh [default: by the facility's province and the reporting year].")
@click.option("--coal-equal-value", type=click.FloatRange(0, 1, min_open=True),
              metavar="KGCE_PER_KWH",
              help="The year's equal-value (primary) coal coefficient, to add an equal-value "
                   "tce figure beside the equivalent-value one.")
@click.option("--criteria", metavar="PACK[,PACK]",
              help="Rule packs to check: built-in ids (see `greendc criteria list`) or paths to "
                   "your own .toml packs [default: the packs that apply to the facility's "
                   "location]. Give an empty string for none.")
@ALIASES
@LIMITS
@LANG
@_user_errors
def assess(submission: Path, report: Path | None, json_path: str | None, no_report: bool,
           kind: str, xlsx: Path | None, template_dir: str | None, grid_factor: str | None,
           coal_equal_value: float | None, criteria: str | None, aliases, limits,
           lang: str) -> None:
    """Assess one submission workbook (.xlsx) or CSV energy table.

    Writes an HTML report and, with --json, the JSON result; prints the headline figures.
    Exits 1 when the file cannot be assessed, printing where the first problem is.
    """
    from greendc.assessment import assess as run
    from greendc.reference.factors import parse_grid_choice
    from greendc.reference.options import Options

    packs = None
    if criteria is not None:
        from greendc.criteria import load_pack

        packs = tuple(p.strip() for p in criteria.split(",") if p.strip())
        for pack in packs:  # fail on a bad pack before reading the workbook
            load_pack(pack)
    options = Options(aliases=aliases, limits=limits,
                      grid=parse_grid_choice(grid_factor) if grid_factor else {},
                      coal_equal_value_kgce_per_kwh=coal_equal_value, criteria=packs)
    if report is None and not no_report:
        report = Path(f"{submission.stem}.report.html")
    _write_outputs(run(submission, options), None if no_report else report, json_path, lang,
                   template_dir, kind, xlsx)


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@ALIASES
@LIMITS
@LANG
def validate(files: tuple[Path, ...], as_json: bool, aliases, limits, lang: str) -> None:
    """Check submission files and list every problem with its place.

    Exits 0 when every file can be assessed, 1 otherwise.
    """
    import json

    from greendc.reference.options import Options
    from greendc.validation import check_file

    options = Options(aliases=aliases, limits=limits)
    checks = [check_file(path, options) for path in files]
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in checks], ensure_ascii=False, indent=2))
    else:
        for check in checks:
            errors = sum(f.severity == "error" for f in check.findings)
            state = "usable" if check.usable else f"NOT usable ({errors} error(s))"
            click.echo(f"{check.path}: {state}")
            for f in check.findings:
                where = f.place.describe(lang) or "-"
                click.echo(f"  {f.severity:<8} {f.code:<24} {where}: {f.message(lang)}")
    sys.exit(0 if all(c.usable for c in checks) else 1)


@main.command()
@click.argument("inbox", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for reports/, summary.xlsx, index.html, errors.csv.")
@click.option("--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Worker processes (0: one per core).")
@click.option("--criteria", metavar="PACK[,PACK]",
              help="Rule packs for every file [default: by each facility's location].")
@click.option("--force", is_flag=True, help="Assess again files the registry already holds.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Registry to use (share one across rounds) [default: OUT/greendc.sqlite].")
@ALIASES
@LIMITS
@LANG
@_user_errors
def batch(inbox: Path, out_dir: Path, jobs: int, criteria: str | None, force: bool,
          db: Path | None, aliases, limits, lang: str) -> None:
    """Assess every submission under INBOX (xlsx, xls, csv, and zip archives of them).

    Writes one report and JSON per file, summary.xlsx, index.html and errors.csv into OUT and
    records every outcome in an SQLite registry; a second run skips unchanged files. Exits 0
    when the batch ran, whatever the verdicts.
    """
    from greendc.batch import BatchOptions, run_batch
    from greendc.reference.options import Options

    packs = tuple(p.strip() for p in criteria.split(",") if p.strip()) if criteria else None
    options = BatchOptions(jobs=jobs, lang=lang, force=force, db=db,
                           options=Options(aliases=aliases, limits=limits, criteria=packs))
    interactive = sys.stderr.isatty()
    last = [0.0]

    def progress(done: int, total: int, valid: int, invalid: int, seconds: float) -> None:
        left = seconds / done * (total - done) if done else 0
        line = (f"{done}/{total} done, {valid} valid, {invalid} invalid, "
                f"{seconds:.0f} s, about {left:.0f} s left")
        if interactive:
            click.echo("\r" + line.ljust(70), err=True, nl=done == total)
        elif done == total or seconds - last[0] >= 5:
            last[0] = seconds
            click.echo(line, err=True)

    result = run_batch(inbox, out_dir, options, progress)
    click.echo(f"{len(result.records)} files: {result.valid} valid, {result.invalid} invalid, "
               f"{result.skipped} unchanged since an earlier run; {result.seconds:.1f} s; "
               f"see {out_dir / 'index.html'}")


@main.command()
@click.argument("facility")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("greendc-batch/greendc.sqlite"), show_default=True,
              help="The batch registry.")
@_user_errors
def history(facility: str, db: Path) -> None:
    """List a facility's assessments across batch rounds (name, operator or credit code)."""
    from greendc.batch import history as lookup

    rows = lookup(db, facility)
    if not rows:
        click.echo(f"no assessment of {facility!r} in {db}")
        return
    for r in rows:
        pue = f"{r['pue']:.3f}" if r["pue"] is not None else "-"
        click.echo(f"{r['run_started']}  {r['status']:<7} PUE {pue:<6} grade {r['grade'] or '-'}"
                   f"  {r['facility'] or '-'}  {r['file']}  ({r['period'] or '-'})")


@main.group()
def criteria() -> None:
    """List and show the rule packs (criteria) greendc checks."""


@criteria.command("list")
@_user_errors
def criteria_list() -> None:
    """List the built-in rule packs with their kind, effective date and rule count."""
    from greendc.criteria import builtin_packs, load_pack

    for pack_id in builtin_packs():
        pack = load_pack(pack_id)
        since = pack.effective_from.isoformat() if pack.effective_from else "-"
        click.echo(f"{pack.id:<24} {len(pack.rules):>3} rules  from {since}  {pack.kind:<28} "
                   f"{pack.title_en}")


@criteria.command("show")
@click.argument("pack")
@LANG
@_user_errors
def criteria_show(pack: str, lang: str) -> None:
    """Show one pack (a built-in id or a .toml path): every rule, threshold and source."""
    from greendc.criteria import load_pack

    p = load_pack(pack)
    click.echo(f"{p.id} (version {p.version}): {p.title(lang)}")
    click.echo(f"  kind: {p.kind}; confidence: {p.confidence}; file: {p.path}")
    if p.effective_from or p.effective_to:
        click.echo(f"  in force: {p.effective_from or '-'} to {p.effective_to or '-'}")
    for key, value in p.source.items():
        click.echo(f"  source {key}: {value}")
    if p.note:
        click.echo(f"  note: {p.note}")
    for r in p.rules:
        test = "declared" if r.kind == "declared" else (
            f"{r.metric} {r.operator} {r.threshold if r.parameter is None else r.parameter}"
            + (f" {r.unit}" if r.unit and r.unit != "1" else ""))
        click.echo(f"  - {r.id} [{r.kind}, {r.confidence}] {r.title(lang)}")
        click.echo(f"      test: {test}")
        if r.applies_when:
            click.echo(f"      applies when: {r.applies_when}")
        if r.effective_from or r.effective_to:
            click.echo(f"      in force: {r.effective_from or '-'} to {r.effective_to or '-'}")
        if r.source:
            click.echo(f"      source: {'; '.join(f'{k}: {v}' for k, v in r.source.items())}")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Workbook to write (.xlsx).")
@click.option("--granularity", type=click.Choice(["monthly", "daily", "hourly", "15min"]),
              default="monthly", show_default=True, help="Period of one row of the Energy sheet.")
@click.option("--year", type=click.IntRange(1990, 2100),
              help="Year whose periods are pre-filled [default: last year].")
@LANG
@_user_errors
def template(output: Path, granularity: str, year: int | None, lang: str) -> None:
    """Write a blank submission workbook to fill in."""
    from greendc.authoring.template import write_submission

    path = write_submission(output, lang=lang, granularity=granularity, year=year)
    click.echo(f"template  {path}")
    click.echo("Fill in the Facility, Energy, Measures and Meters sheets, then run:")
    click.echo(f"  greendc assess {path}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("greendc-demo"), show_default=True, help="Folder to write into.")
@click.option("--freq", type=click.Choice(["15min", "1h"]), default="15min", show_default=True,
              help="Interval of the synthetic meter data.")
@LANG
@_user_errors
def demo(out_dir: Path, freq: str, lang: str) -> None:
    """Write a synthetic Zhangjiakou submission and assess it.

    Produces OUT/submission.xlsx (one year of 15-minute meter data from a documented model),
    OUT/report.html and OUT/result.json.
    """
    from greendc.authoring.demo import run_demo
    from greendc.report.text import text_summary

    out_dir.mkdir(parents=True, exist_ok=True)
    click.echo(f"writing a year of {freq} data for the demo facility ...")
    assessment, paths = run_demo(out_dir, freq=freq, lang=lang)
    for label, path in paths.items():
        click.echo(f"{label:<11} {path}")
    click.echo(text_summary(assessment))


if __name__ == "__main__":  # pragma: no cover
    main()

"""``greendc assess`` and ``greendc validate``: one submission, or a check of many."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from greendc.cli.common import (
    ALIASES,
    COLUMNS,
    CRITERIA,
    LIMITS,
    YEAR,
    emit_json,
    json_option,
    lang_option,
    say,
)


def _write_outputs(assessment, report: Path | None, json_path: str | None, lang: str,
                   template_dir: str | None, kind: str, xlsx: Path | None,
                   pdf: Path | None) -> None:
    from greendc.report.text import text_summary

    def echo(text: str) -> None:
        click.echo(text, err=json_path == "-")

    data = assessment.to_dict()  # one dictionary for the JSON, the reports and the workbook
    if json_path == "-":
        click.echo(assessment.to_json(data))
    elif json_path:
        echo(say("wrote_json", lang, path=assessment.write_json(json_path, data)))
    if not assessment.ok:
        raise assessment.error(lang)
    html = None
    if report or pdf:
        from greendc.report.html import render_html

        html = render_html(assessment, lang, template_dir, kind, data)
    if report:
        report.write_text(html, encoding="utf-8")
        echo(say("wrote_report", lang, path=report))
    if pdf:
        from greendc.report.pdf import write_pdf

        echo(say("wrote_pdf", lang, path=write_pdf(assessment, pdf, lang, result=data,
                                                   html=html)))
    if xlsx:
        from greendc.report.excel import write_xlsx

        echo(say("wrote_xlsx", lang, path=write_xlsx(assessment, xlsx, lang, data)))
    echo(text_summary(assessment, lang))


@click.command()
@click.argument("submission", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "report", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML report to write [default: SUBMISSION-NAME.report.html here].")
@json_option("the result")
@click.option("--no-report", is_flag=True, help="Write no HTML report.")
@click.option("--kind", type=click.Choice(["full", "eligibility"]), default="full",
              show_default=True,
              help="full: the assessment report; eligibility: per rule pack, gates, scores and "
                   "verdict on one page with a reviewer's signature block.")
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report (of --kind) as a PDF file (needs WeasyPrint and CJK "
                   "fonts; `greendc docs pdf`).")
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
@CRITERIA
@COLUMNS
@YEAR
@ALIASES
@LIMITS
@lang_option("the report, the PDF, the Excel export and the summary printed here")
def assess(submission: Path, report: Path | None, json_path: str | None, no_report: bool,
           kind: str, pdf: Path | None, xlsx: Path | None, template_dir: str | None,
           grid_factor: str | None, coal_equal_value: float | None, criteria, columns, year,
           aliases, limits, lang: str) -> None:
    """Assess one submission workbook or text table (.xlsx, .xlsm, .xls or .csv).

    Writes an HTML report and, on request, the JSON result, a PDF and an Excel export; prints
    the headline figures. Exits 1 when the file cannot be assessed, printing where the first
    problem is.
    """
    from greendc.assessment import assess as run
    from greendc.reference.factors import parse_grid_choice
    from greendc.reference.options import Options

    options = Options(aliases=aliases, limits=limits,
                      grid=parse_grid_choice(grid_factor) if grid_factor else {},
                      coal_equal_value_kgce_per_kwh=coal_equal_value, criteria=criteria,
                      columns=columns, year=year)
    if report is None and not no_report:
        report = Path(f"{submission.stem}.report.html")
    _write_outputs(run(submission, options), None if no_report else report, json_path, lang,
                   template_dir, kind, xlsx, pdf)


@click.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@json_option("the findings")
@COLUMNS
@YEAR
@ALIASES
@LIMITS
@lang_option("the findings printed here")
def validate(files: tuple[Path, ...], json_path: str | None, columns, year, aliases, limits,
             lang: str) -> None:
    """Check submission files (.xlsx, .xlsm, .xls or .csv) and list every problem with its place.

    Exits 0 when every file can be assessed, 1 otherwise.
    """

    from greendc.reference.messages import message
    from greendc.reference.options import Options
    from greendc.validation import check_file

    options = Options(aliases=aliases, limits=limits, columns=columns, year=year)
    checks = [check_file(path, options) for path in files]
    if not emit_json([c.to_dict() for c in checks], json_path):
        for check in checks:
            errors = sum(f.severity == "error" for f in check.findings)
            state = say("usable", lang) if check.usable else say("not_usable", lang, n=errors)
            click.echo(f"{check.path}: {state}")
            for f in check.findings:
                where = f.place.lead(lang) or "-" + message("place.before_message", lang)
                level = message(f"report.severity_{f.severity}", lang)
                click.echo(f"  {level:<8} {f.code:<24} {where}{f.message(lang)}")
    sys.exit(0 if all(c.usable for c in checks) else 1)


@click.command()
@click.argument("submission", type=click.Path(dir_okay=False, path_type=Path))
@json_option("what was found")
@COLUMNS
@YEAR
@ALIASES
@LIMITS
@lang_option("the description printed here")
def inspect(submission: Path, json_path: str | None, columns, year, aliases, limits,
            lang: str) -> None:
    """Show what greendc reads in a file, before computing anything.

    Per sheet: each header and the role it was given, with how (your --column, a known name,
    the words in it), summed meters, units and where each came from, the period range and
    granularity, and what was inferred or left out. When no table is found, the error lists
    the headers seen with greendc's best guess and the --column options that would help.
    """

    from greendc.reading.inspect import inspect_file
    from greendc.reference.options import Options
    from greendc.report.text import inspection_text

    data = inspect_file(submission, Options(aliases=aliases, limits=limits, columns=columns,
                                            year=year))
    if not emit_json(data, json_path):
        click.echo(inspection_text(data, lang))

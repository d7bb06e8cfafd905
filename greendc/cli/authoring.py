"""``greendc template`` and ``greendc demo``: workbooks to fill in or to learn from."""

from __future__ import annotations

from pathlib import Path

import click

from greendc.cli.common import GRANULARITIES, lang_option, say


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Workbook to write (.xlsx).")
@click.option("--granularity", type=click.Choice(GRANULARITIES), default="monthly",
              show_default=True, help="Period of one row of the Energy sheet.")
@click.option("--year", type=click.IntRange(1990, 2100),
              help="Year whose periods are pre-filled [default: last year].")
@lang_option("the workbook's sheet names, headers and instructions")
def template(output: Path, granularity: str, year: int | None, lang: str) -> None:
    """Write a blank submission workbook (.xlsx) to fill in."""
    from greendc.authoring.template import write_submission
    from greendc.reference.columns import sheets

    path = write_submission(output, lang=lang, granularity=granularity, year=year)
    names = {key: spec[lang] for key, spec in sheets().items()}
    click.echo(say("wrote_template", lang, path=path))
    click.echo(say("template_hint", lang, path=path, **names))


@click.command()
@click.option("-o", "--output", "--out", "out_dir",
              type=click.Path(file_okay=False, path_type=Path), default=Path("greendc-demo"),
              show_default=True, help="Folder to write into.")
@click.option("--granularity", type=click.Choice(GRANULARITIES[1:]), default="15min",
              show_default=True, help="Interval of the synthetic meter data.")
@click.option("--freq", type=click.Choice(["15min", "1h"]), hidden=True,
              help="Old name of --granularity (1h = hourly).")
@lang_option("the demo workbook, the report and the summary printed here")
def demo(out_dir: Path, granularity: str, freq: str | None, lang: str) -> None:
    """Write a synthetic Zhangjiakou submission and assess it.

    Produces OUTPUT/submission.xlsx (two years of meter data from a documented model: 2024, the
    baseline year of an energy-saving retrofit, and 2025, the assessed year), OUTPUT/report.html
    and OUTPUT/result.json.
    """
    from greendc.authoring.demo import run_demo
    from greendc.reference.messages import message
    from greendc.report.text import text_summary

    if freq:  # the old option's words
        granularity = "hourly" if freq == "1h" else "15min"
    out_dir.mkdir(parents=True, exist_ok=True)
    click.echo(say("writing_demo", lang,
                   granularity=message(f"label.granularity.{granularity}", lang)))
    freq = {"daily": "1D", "hourly": "1h", "15min": "15min"}[granularity]
    assessment, paths = run_demo(out_dir, freq=freq, lang=lang)
    for label, path in paths.items():
        click.echo(f"{say('output.' + label, lang):<12} {path}")
    click.echo(text_summary(assessment, lang))

"""The ``greendc`` group and the guard that keeps tracebacks from users.

Errors from bad input or configuration (:class:`~greendc.errors.GreenDCError`) print one
``Error:`` line and exit with status 1; a file that cannot be written is the same; usage errors
exit with status 2 (click's convention).  Anything else is a bug: one line says so and how to
report it, status 3; ``greendc --debug ...`` (or ``GREENDC_DEBUG=1``) shows the traceback.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from greendc.cli.assess import assess, inspect, validate
from greendc.cli.authoring import demo, template
from greendc.cli.batch import batch, history
from greendc.cli.criteria import criteria
from greendc.cli.docs import docs
from greendc.cli.serve import serve, users
from greendc.errors import GreenDCError, InputError
from greendc.reference.messages import message
from greendc.version import __version__

ISSUES_URL = "https://github.com/greendc/greendc/issues"
EXIT_INPUT, EXIT_BUG = 1, 3


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or os.environ.get("GREENDC_DEBUG") == "1"


class GuardedGroup(click.Group):
    """A click group that turns every exception into one line and an exit status."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except InputError as exc:
            lang = (ctx.obj or {}).get("lang", "en")
            label = message("cli.error", lang)
            click.echo(f"{label}{message('place.before_message', lang)}{exc.describe(lang)}",
                       err=True)
            sys.exit(EXIT_INPUT)
        except GreenDCError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_INPUT)
        except OSError as exc:  # a file or folder that cannot be written or read
            if _debug(ctx):
                traceback.print_exc()
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(EXIT_INPUT)
        except Exception as exc:
            if _debug(ctx):
                traceback.print_exc()
            click.echo(f"Error: greendc failed ({type(exc).__name__}: {exc}). This is a bug in "
                       f"greendc, not in your file: please report it at {ISSUES_URL} with the "
                       "command you ran and, if you can, the file; run again with "
                       "`greendc --debug ...` to see the traceback.", err=True)
            sys.exit(EXIT_BUG)


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="greendc")
@click.option("--debug", is_flag=True, help="Show the full traceback of an unexpected error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """greendc: green data-centre energy assessment.

    Read a metered energy workbook (.xlsx, .xlsm, .xls or .csv), compute PUE and related
    metrics, check criteria and write an HTML report. Start with `greendc demo`, or
    `greendc template -o my-site.xlsx` to get a workbook to fill in; `greendc docs` prints the
    documentation.
    """
    ctx.ensure_object(dict)["debug"] = debug


for command in (assess, validate, inspect, batch, history, criteria, template, demo, docs, serve,
                users):
    main.add_command(command)

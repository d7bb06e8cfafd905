"""``greendc serve`` and ``greendc users``: the web workbench and its accounts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from greendc.cli.common import one_blas_thread
from greendc.errors import GreenDCError

DATA_HELP = "The workbench's data folder: registry database, uploads and results."


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; put a TLS reverse proxy in front for other machines "
                   "(`greendc docs deploy`).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data", "data", default="greendc-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help=DATA_HELP)
@click.option("--jobs", default=None, type=int,
              help="Worker processes assessing uploads [default: one per core].")
def serve(host: str, port: int, data: Path, jobs: int | None) -> None:
    """Serve the web workbench: enterprises upload, reviewers review."""
    one_blas_thread()
    try:
        import uvicorn

        from greendc.web.app import create_app
    except ImportError as exc:
        raise GreenDCError(f"the workbench needs its extra: pip install 'greendc[web]' ({exc})"
                           ) from None
    app = create_app(data, jobs=jobs)
    click.echo(f"greendc workbench on http://{host}:{port} (data: {data}); Ctrl+C stops it")
    uvicorn.run(app, host=host, port=port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level="warning")


@click.group()
def users() -> None:
    """Accounts of the web workbench (no one registers themselves)."""


def _store(data: Path):
    from greendc.web import store

    return store, store.open_store(data)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["enterprise", "reviewer", "admin"]), required=True)
@click.option("--org", default=None, help="The organisation (required for enterprise accounts).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of asking for it.")
@click.option("--data", "data", default="greendc-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help=DATA_HELP)
def add(name: str, role: str, org: str | None, password_stdin: bool, data: Path) -> None:
    """Add an account NAME with a role (and, for an enterprise, its organisation)."""
    from greendc.web.security import hash_password

    if role == "enterprise" and not org:
        raise GreenDCError("an enterprise account needs --org (its organisation)")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store, db = _store(data)
    if store.user_by_name(db, name) is not None:
        raise GreenDCError(f"there is already an account {name!r}")
    store.add_user(db, name, role, org, hash_password(password))
    store.log(db, None, "user_added", name, f"{role} {org or ''}".strip())
    click.echo(f"added {name} ({role}{', ' + org if org else ''})")


@users.command("list")
@click.option("--data", "data", default="greendc-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help=DATA_HELP)
def list_(data: Path) -> None:
    """List the accounts."""
    store, db = _store(data)
    for row in store.list_users(db):
        state = "disabled" if row["disabled"] else "active"
        click.echo(f"{row['name']}\t{row['role']}\t{row['org'] or '-'}\t{state}\t{row['created']}")


@users.command("disable")
@click.argument("name")
@click.option("--data", "data", default="greendc-data", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help=DATA_HELP)
def disable(name: str, data: Path) -> None:
    """Disable the account NAME and end its sessions."""
    store, db = _store(data)
    if not store.set_disabled(db, name):
        raise GreenDCError(f"there is no account {name!r}")
    store.log(db, None, "user_disabled", name)
    click.echo(f"disabled {name}")

"""``greendc docs [TOPIC]``: the documentation shipped inside the package, in the terminal."""

from __future__ import annotations

from importlib import resources

import click

DOCS_PACKAGE = "greendc.docs"


def topics() -> dict[str, str]:
    """Topic -> file name of every shipped document."""
    folder = resources.files(DOCS_PACKAGE)
    return {p.name.removesuffix(".md"): p.name for p in folder.iterdir()
            if p.name.endswith(".md")}


@click.command()
@click.argument("topic", required=False)
def docs(topic: str | None) -> None:
    """Print a shipped document (submission-format, result-schema, architecture, pdf ...);
    without TOPIC, list them."""
    from greendc.errors import GreenDCError

    known = topics()
    if topic is None:
        for name in sorted(known):
            text = resources.files(DOCS_PACKAGE).joinpath(known[name]).read_text("utf-8")
            title = next((line.lstrip("# ").strip() for line in text.splitlines()
                          if line.startswith("#")), "")
            click.echo(f"{name:<20} {title}")
        return
    if topic.removesuffix(".md") not in known:
        raise GreenDCError(f"no document {topic!r}; choose one of {', '.join(sorted(known))}")
    click.echo(resources.files(DOCS_PACKAGE).joinpath(known[topic.removesuffix(".md")])
               .read_text("utf-8"))

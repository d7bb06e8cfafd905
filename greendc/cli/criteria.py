"""``greendc criteria list`` and ``greendc criteria show``: the rule packs greendc checks."""

from __future__ import annotations

import click

from greendc.cli.common import lang_option, say


@click.group()
def criteria() -> None:
    """List and show the rule packs (criteria) greendc checks."""


@criteria.command("list")
@lang_option("the pack titles and labels")
def criteria_list(lang: str) -> None:
    """List the built-in rule packs with their kind, effective date and rule count."""
    from greendc.criteria import builtin_packs, load_pack
    from greendc.reference.messages import message

    for pack_id in builtin_packs():
        pack = load_pack(pack_id)
        since = pack.effective_from.isoformat() if pack.effective_from else "-"
        until = pack.effective_to.isoformat() if pack.effective_to else ""
        click.echo(say("pack_line", lang, id=pack.id, rules=len(pack.rules), since=since,
                       until=until and say("until", lang, date=until),
                       kind=message(f"label.pack_kind.{pack.kind}", lang) if _known_kind(pack.kind)
                       else pack.kind, title=pack.title(lang)))


def _known_kind(kind: str) -> bool:
    from greendc.reference.messages import messages

    return f"label.pack_kind.{kind}" in messages()


@criteria.command("show")
@click.argument("pack")
@lang_option("the titles and labels")
def criteria_show(pack: str, lang: str) -> None:
    """Show one pack (a built-in id or a .toml path): every rule, threshold and source."""
    from greendc.criteria import load_pack
    from greendc.reference.messages import message

    p = load_pack(pack)
    click.echo(say("pack_head", lang, id=p.id, version=p.version, title=p.title(lang)))
    click.echo(say("pack_meta", lang, confidence=message(f"label.confidence.{p.confidence}",
                                                         lang), path=p.path))
    if p.effective_from or p.effective_to:
        click.echo(say("in_force", lang, start=p.effective_from or "-", end=p.effective_to or "-"))
    for key, value in p.source.items():
        click.echo(f"  {say('source', lang)} {key}: {value}")
    if p.note:
        click.echo(f"  {say('note', lang)}: {p.note}")
    for r in p.rules:
        test = message("label.kind.declared", lang) if r.kind == "declared" else (
            f"{r.metric} {r.operator} {r.threshold if r.parameter is None else r.parameter}"
            + (f" {r.unit}" if r.unit and r.unit != "1" else ""))
        click.echo(f"  - {r.id} [{message(f'label.kind.{r.kind}', lang)}, "
                   f"{message(f'label.confidence.{r.confidence}', lang)}] {r.title(lang)}")
        click.echo(f"      {say('test', lang)}: {test}")
        if r.applies_when:
            click.echo(f"      {say('applies_when', lang)}: {r.applies_when}")
        if r.effective_from or r.effective_to:
            click.echo("    " + say("in_force", lang, start=r.effective_from or "-",
                                    end=r.effective_to or "-"))
        if r.source:
            click.echo(f"      {say('source', lang)}: "
                       + "; ".join(f"{k}: {v}" for k, v in r.source.items()))

"""The README's worked example runs as written: the commands of its first console block after
"A worked example" are run verbatim, the template filled in between with only what a user must
fill, and greendc prints what the README shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from greendc.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
# What the README asks a user to fill in: name, province, city and twelve months of energy.
FACILITY = {"Facility name": "Langfang Example DC", "Province": "Hebei", "City": "Langfang"}
FACILITY_KWH = [1_200_000 + 10_000 * m for m in range(12)]
IT_KWH = [900_000 + 5_000 * m for m in range(12)]


def worked_example() -> list[tuple[str, list[str]]]:
    """(command, the output lines shown under it) of the README's worked example."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## A worked example", 1)[1]
    blocks = re.findall(r"```console\n(.*?)```", section, flags=re.S)
    steps: list[tuple[str, list[str]]] = []
    for block in blocks[:2]:
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif line.strip() and steps:
                steps[-1][1].append(line)
    return steps


def fill(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    for row in book["Facility"].iter_rows(min_row=2):
        label = str(row[0].value)
        for key, value in FACILITY.items():
            if label.startswith(key):
                row[1].value = value
    for i, row in enumerate(book["Energy"].iter_rows(min_row=2, max_row=13)):
        row[1].value, row[2].value = FACILITY_KWH[i], IT_KWH[i]
    book.save(path)


def test_the_worked_example_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    steps = worked_example()
    assert [s[0].split()[1] for s in steps] == ["template", "assess"]
    runner = CliRunner()
    for command, shown in steps:
        argv = shlex.split(command)
        assert argv[0] == "greendc"
        result = runner.invoke(main, argv[1:])
        assert result.exit_code == 0, result.output
        printed = [line.rstrip() for line in result.output.splitlines() if line.strip()]
        assert printed[:len(shown)] == [line.rstrip() for line in shown], printed
        if argv[1] == "template":
            fill(Path(argv[argv.index("-o") + 1]))
    assert Path("my-site.html").read_text(encoding="utf-8").count('id="headline-pue"') == 1
    expected = sum(FACILITY_KWH) / sum(IT_KWH)
    assert f"PUE      {expected:.3f}" in result.output

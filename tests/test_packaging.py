"""The wheel ships the templates and data files, so a non-editable install finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_templates_and_data(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("greendc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "greendc/templates/report.html.j2",
        "greendc/templates/report.css",
        "greendc/reference/data/columns.toml",
        "greendc/reference/data/fields.toml",
        "greendc/reference/data/units.toml",
        "greendc/reference/data/units.txt",
        "greendc/reference/data/messages.toml",
        "greendc/reference/data/assessment.toml",
        "greendc/reference/data/factors.toml",
        "greendc/reference/data/parameters.toml",
        "greendc/criteria/packs/gb40879-2021.toml",
        "greendc/criteria/packs/hebei-pilot.toml",
        "greendc/cli/main.py",
        "greendc/docs/submission-format.md",
        "greendc/docs/pdf.md",
    }
    assert expected <= names, expected - names
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "greendc").rglob("*.py")}
    assert sources <= names, sources - names  # every module ships (subpackages included)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "greendc = greendc.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    packs = {n for n in names if n.startswith("greendc/criteria/packs/") and n.endswith(".toml")}
    assert len(packs) == len(list((ROOT / "greendc" / "criteria" / "packs").glob("*.toml")))


def test_every_data_file_is_declared_as_package_data():
    setup_cfg = (ROOT / "setup.cfg").read_text()
    for folder, package in ((ROOT / "greendc" / "reference" / "data", "greendc.reference.data"),
                            (ROOT / "greendc" / "criteria" / "packs", "greendc.criteria.packs"),
                            (ROOT / "templates", "greendc.templates"),
                            (ROOT / "docs", "greendc.docs")):
        suffixes = {p.suffix for p in folder.iterdir() if p.is_file() and p.suffix != ".py"}
        line = next(x for x in setup_cfg.splitlines() if x.startswith(f"{package} ="))
        for suffix in suffixes:
            assert f"*{suffix}" in line, f"{suffix} files in {folder} are not shipped"

"""Every spreadsheet of the ingest corpus reads to its recorded figures or gives its error.

The corpus is written by tests/make_corpus.py; expected.json records what each file must give.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greendc import InputError, assess
from greendc.validation import check_file

CORPUS = Path(__file__).parent / "data" / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_corpus_is_large_and_complete():
    assert len(EXPECTED) >= 25
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name):
    expected = EXPECTED[name]
    path = CORPUS / name
    check = check_file(path)  # never raises: every problem becomes a located finding
    for finding in check.findings:
        finding.message("en"), finding.message("zh"), finding.place.describe("zh")
    if "error" in expected:
        codes = {f.params.get("code", f.code) for f in check.findings if f.severity == "error"}
        assert expected["error"] in codes, (name, codes)
        assert not check.usable
        for finding in check.findings:
            if finding.severity == "error" and finding.code != "input_error":
                assert finding.place.describe(), (name, finding.code)  # located
        try:
            result = assess(path)
        except InputError as exc:
            assert exc.code == expected["error"]
            assert str(exc).startswith(name + ":")
        else:
            assert not result.ok
        return
    assert check.usable, [f.describe() for f in check.findings if f.severity == "error"]
    result = assess(path)
    assert result.ok
    assert result.energy["facility_kwh"] == pytest.approx(expected["facility_kwh"], rel=1e-9)
    assert result.energy["it_kwh"] == pytest.approx(expected["it_kwh"], rel=1e-9)
    if "finding" in expected:
        assert expected["finding"] in {f.code for f in result.findings}, name
    if "first_period" in expected:
        assert result.submission.energy.index[0].isoformat() == expected["first_period"]

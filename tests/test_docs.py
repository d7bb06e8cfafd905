"""The documentation names every column, field and JSON key the code produces."""

from __future__ import annotations

from pathlib import Path

from greendc import reference

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_submission_format_names_every_column_and_field():
    text = (DOCS / "submission-format.md").read_text(encoding="utf-8")
    for column in reference.columns():
        assert f"`{column}`" in text, column
    for table in ("facility", "measures", "meters"):
        for name in reference.fields(table):
            assert f"`{name}`" in text, name


def test_result_schema_names_every_top_level_key(hourly_xlsx):
    from greendc import assess

    text = (DOCS / "result-schema.md").read_text(encoding="utf-8")
    result = assess(hourly_xlsx).to_dict()
    for key in result:
        assert f"`{key}`" in text, key
    for section in ("input", "period"):
        for key in result[section]:
            assert f"`{key}`" in text, f"{section}.{key}"

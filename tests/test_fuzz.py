"""Fuzzing the reader and the validator: mutated real-shaped workbooks and CSV files.

Property: whatever the bytes, ``check_file`` returns findings (it never raises), and a file it
calls usable is assessed without an exception.  Mutations work on the structure operators'
files have: cells of the sheet XML inside the zip, CSV fields, and raw bytes.

CI runs a short pass; a long run is

    GREENDC_FUZZ_EXAMPLES=10000 pytest tests/test_fuzz.py -q -p no:cacheprovider
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from greendc.assessment import assess
from greendc.validation import check_file

CORPUS = Path(__file__).parent / "data" / "corpus"
SEEDS = {name: (CORPUS / name).read_bytes() for name in (
    "canonical_en.xlsx", "title_rows_merged.xlsx", "units_row.xlsx", "registers_monthly.xlsx",
    "split_by_meter.xlsx", "legacy.xls", "months_cn.csv", "gj.csv", "quarter_hour.csv",
    "gbk_semicolon.csv")}
EXAMPLES = int(os.environ.get("GREENDC_FUZZ_EXAMPLES", "400"))
TOKENS = ["", "N/A", "-", "未抄", "合计", "1e308", "-1e12", "inf", "NaN", "2025-13-45", "9999-01",
          "<", "&amp;", "&", "\x00", "=1+1", "😀", "0", "1,234.5", "  ", "kW", "(万千瓦时)", "\n",
          '"', ";", "\t", "2025-01-01T00:00:00Z", "45658", "TRUE"]

settings.register_profile("fuzz", max_examples=EXAMPLES, deadline=None,
                          suppress_health_check=list(HealthCheck))


def _mutate_text(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, length, token in edits:
        at = position % (len(text) + 1)
        text = text[:at] + token + text[at + length % 8:]
    return text


def _mutate_xlsx(data: bytes, member_pick: int, edits: list[tuple[int, int, str]]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in source.namelist() if n.endswith(".xml")]
    target = names[member_pick % len(names)]
    xml = source.read(target).decode("utf-8", "replace")
    values = [m.span(1) for m in re.finditer(r"<(?:v|t)>([^<]*)<", xml)]
    for position, _length, token in edits:  # replace whole cell values with tokens
        if not values:
            break
        start, end = values[position % len(values)]
        token = token.replace("&", "&amp;").replace("<", "&lt;")
        xml = xml[:start] + token + xml[end:]
        values = [m.span(1) for m in re.finditer(r"<(?:v|t)>([^<]*)<", xml)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, xml if name == target else source.read(name))
    return buffer.getvalue()


def _mutate_bytes(data: bytes, edits: list[tuple[int, int, str]]) -> bytes:
    raw = bytearray(data)
    for position, length, token in edits:
        at = position % (len(raw) + 1)
        raw[at:at + length % 4] = token.encode("utf-8", "replace")[:4]
    return bytes(raw)


edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 16),
                           st.sampled_from(TOKENS) | st.text(max_size=6)), min_size=1, max_size=6)


@settings(settings.get_profile("fuzz"))
@given(name=st.sampled_from(sorted(SEEDS)), how=st.sampled_from(["structured", "bytes",
                                                                 "truncate"]),
       pick=st.integers(0, 50), changes=edits)
# Found in CI: the damaged central directory points before the file's start ("negative seek").
@example(name="split_by_meter.xlsx", how="bytes", pick=0,
         changes=[(4, 0, "N/A"), (17831, 0, "N/A")])
def test_reader_and_validator_never_raise(name, how, pick, changes):
    data = SEEDS[name]
    suffix = Path(name).suffix
    if how == "truncate":
        data = data[: pick * len(data) // 51]
    elif how == "bytes" or suffix == ".xls":
        data = _mutate_bytes(data, changes)
    elif suffix == ".xlsx":
        data = _mutate_xlsx(data, pick, changes)
    else:
        encoding = "gbk" if "gbk" in name else "utf-8"
        text = data.decode(encoding)
        data = _mutate_text(text, changes).encode(encoding, "replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        check = check_file(path)
        for finding in check.findings:
            assert finding.message("en") and finding.message("zh")
        if check.usable:
            result = assess(path)
            assert result.ok
            result.to_json()

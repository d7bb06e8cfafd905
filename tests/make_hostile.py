"""Write the fault corpus: hostile and broken inputs, each with its expected outcome.

Run from the repository root with the test extra installed:  python tests/make_hostile.py
It rewrites tests/data/hostile/ (small files only; the 10 MB single-line CSV is made by the test
itself) and tests/data/hostile/expected.json: for each file the error code it must give, or
"usable" (it must be assessed, with the finding code named when there is one).
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl

OUT = Path(__file__).resolve().parent / "data" / "hostile"
CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
GOOD = (CORPUS / "canonical_en.xlsx").read_bytes()
expected: dict[str, dict] = {}
HEADER = "Period,Facility energy (kWh),IT energy (kWh)\n"
ROWS = "".join(f"2025-{m:02d},{950 + m},{620 + m}\n" for m in range(1, 13))


def fault(
    name: str,
    data: bytes | str,
    outcome: str,
    what: str,
    finding: str | None = None,
    batch_only: bool = False,
) -> None:
    path = OUT / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    expected[name] = {
        "outcome": outcome,
        "fault": what,
        **({"finding": finding} if finding else {}),
        **({"batch_only": True} if batch_only else {}),
    }


def directory_before_start(data: bytes) -> bytes:
    """A zip whose end record claims its central directory starts a file's length later.

    zipfile then places every member before the file's start and raises ValueError on open.
    """
    shift = len(data)
    raw = bytearray(data)
    end = raw.rfind(b"PK\x05\x06")
    offset = int.from_bytes(raw[end + 16:end + 20], "little")
    raw[end + 16:end + 20] = (offset + shift).to_bytes(4, "little")
    return bytes(raw)


def rezip(
    replace: dict[str, bytes],
    drop: tuple[str, ...] = (),
    base: bytes = GOOD,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of a workbook with members replaced, added or dropped."""
    source = zipfile.ZipFile(io.BytesIO(base))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as target:
        for info in source.infolist():
            if info.filename in drop or info.filename in replace:
                continue
            target.writestr(info.filename, source.read(info.filename))
        for name, data in replace.items():
            target.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(rows: list[list], extra_head: str = "", dimension: str | None = None) -> bytes:
    cells = []
    for r, row in enumerate(rows, start=1):
        out = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, str):
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
        cells.append(f'<row r="{r}">{"".join(out)}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{extra_head}<worksheet xmlns="http://'
        f'schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>'
        f"{''.join(cells)}</sheetData></worksheet>"
    ).encode()


def energy_sheet_name() -> str:
    names = zipfile.ZipFile(io.BytesIO(GOOD)).namelist()
    return sorted(n for n in names if n.startswith("xl/worksheets/sheet"))[2]


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    monthly = [["Period", "Facility energy (kWh)", "IT energy (kWh)"]] + [
        [f"2025-{m:02d}", 950.0 + m, 620.0 + m] for m in range(1, 13)
    ]
    sheet = energy_sheet_name()

    # --- not workbooks, broken workbooks
    fault("not_a_zip.xlsx", "just text\n", "not_a_workbook", "not a zip")
    fault("truncated.xlsx", GOOD[: len(GOOD) // 2], "not_a_workbook", "truncated zip")
    fault("empty.xlsx", b"", "empty_file", "0 bytes")
    fault(
        "directory_before_start.xlsx",
        directory_before_start(GOOD),
        "not_a_workbook",
        "a central directory that points before the file's start (zipfile: negative seek)",
    )
    fault(
        "html_as.xls",
        "<html><table><tr><td>1</td></tr></table></html>",
        "not_a_workbook",
        "an HTML table saved with an .xls name",
    )
    fault(
        "corrupt_biff.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,
        "not_a_workbook",
        ".xls with corrupt BIFF",
    )
    fault(
        "encrypted.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 500
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 500,
        "not_a_workbook",
        "password-protected (encrypted) workbook",
    )
    fault(
        "missing_sheet_part.xlsx",
        rezip({}, drop=(sheet,)),
        "unreadable_sheet",
        "workbook lists a sheet whose part is missing",
    )
    fault(
        "malformed_sheet_xml.xlsx",
        rezip({sheet: b"<worksheet><sheetData><row><c>"}),
        "unreadable_sheet",
        "sheet XML cut off",
    )
    fault(
        "missing_workbook_xml.xlsx",
        rezip({}, drop=("xl/workbook.xml",)),
        "not_a_workbook",
        "no xl/workbook.xml",
    )

    # --- XML attacks
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    fault(
        "billion_laughs.xlsx",
        rezip({sheet: sheet_xml(monthly, laughs)}),
        "unreadable_sheet",
        "XML entity expansion (billion laughs)",
    )
    external = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    fault(
        "external_entity.xlsx",
        rezip({sheet: sheet_xml(monthly, external)}),
        "unreadable_sheet",
        "XML external entity",
    )
    fault(
        "dtd_in_workbook.xlsx",
        rezip(
            {
                "xl/workbook.xml": b'<?xml version="1.0"?>'
                b'<!DOCTYPE w SYSTEM "http://example.invalid/x.dtd">'
                + zipfile.ZipFile(io.BytesIO(GOOD)).read("xl/workbook.xml").split(b"?>", 1)[1]
            }
        ),
        "beyond_limits",
        "a DTD in workbook.xml",
    )

    # --- size and extent
    bomb = (
        sheet_xml(monthly)[: -len(b"</sheetData></worksheet>")]
        + b" " * 60_000_000
        + b"</sheetData></worksheet>"
    )
    fault(
        "zip_bomb.xlsx",
        rezip({sheet: bomb}),
        "beyond_limits",
        "zip bomb: 60 MB of sheet XML compressed a thousandfold",
    )
    fault(
        "million_rows_claim.xlsx",
        rezip({sheet: sheet_xml(monthly, dimension="A1:XFD1048576")}),
        "unreadable_sheet",
        "a sheet declaring a million rows and 16,384 columns",
    )
    book = openpyxl.Workbook()
    for i in range(205):
        book.create_sheet(f"s{i}")
    buffer = io.BytesIO()
    book.save(buffer)
    fault("too_many_sheets.xlsx", buffer.getvalue(), "beyond_limits", "205 sheets")
    fault(
        "wide_header.csv",
        "Period,Facility energy (kWh),IT energy (kWh),"
        + ",".join(f"x{i}" for i in range(1100))
        + "\n2025-01,1,1\n",
        "too_many_columns",
        "a header 1,100 columns wide",
    )

    # --- cells
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(monthly[0])
    for i, row in enumerate(monthly[1:], start=2):
        ws.append([row[0], f"=C{i}*1.3", row[2]])
    buffer = io.BytesIO()
    book.save(buffer)
    fault(
        "formulas_no_cache.xlsx",
        buffer.getvalue(),
        "formula_without_value",
        "formulas saved without results",
    )
    fault(
        "macros.xlsm",
        rezip({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"}),
        "usable",
        "macros in .xlsm (never run)",
    )
    fault(
        "external_links.xlsx",
        rezip(
            {
                "xl/externalLinks/externalLink1.xml": b'<externalLink xmlns="http://schemas.openxmlformats.org'
                b'/spreadsheetml/2006/main"/>'
            }
        ),
        "usable",
        "external links (never followed)",
    )
    fault(
        "hidden_data.xlsx",
        (CORPUS / "hidden_sheet.xlsx").read_bytes(),
        "usable",
        "data only on a hidden sheet",
        finding="hidden_sheet",
    )
    fault(
        "all_sheets_empty.xlsx",
        (CORPUS / "empty.xlsx").read_bytes(),
        "empty_workbook",
        "every sheet empty",
    )
    fault("headers_only.csv", HEADER, "no_data_rows", "headers only")
    fault(
        "duplicated_headers.csv",
        "Period,IT energy (kWh),IT energy (kWh),Facility energy (kWh)\n2025-01,1,1,2\n",
        "duplicate_column",
        "the same header twice",
    )
    fault(
        "nan_inf.csv",
        HEADER + "2025-01,NaN,620\n2025-02,inf,600\n2025-03,950,1e308\n",
        "text_in_number",
        "NaN, inf and 1e308",
    )
    fault(
        "absurd.csv",
        HEADER + "2025-01,1e15,620\n2025-02,950,620\n",
        "absurd_value",
        "an absurd magnitude",
    )
    fault(
        "negative.csv",
        HEADER + "2025-01,-950000000,620\n2025-02,950,620\n",
        "negative_value",
        "a large negative value",
    )
    fault(
        "year_1900.csv",
        HEADER + "".join(f"1900-{m:02d},950,620\n" for m in range(1, 13)),
        "implausible_period",
        "dates in 1900",
    )
    fault(
        "year_9999.csv",
        HEADER + "".join(f"9999-{m:02d},950,620\n" for m in range(1, 13)),
        "bad_period",
        "dates in 9999 (beyond what can be held)",
    )
    fault(
        "impossible_dates.csv",
        HEADER + "2025-13-45,950,620\n2025-02-30,950,620\n",
        "bad_period",
        "dates that do not exist",
    )
    fault(
        "mixed_offsets.csv",
        HEADER + "2025-01-01T00:00:00Z,950,620\n2025-01-01 01:00,950,620\n",
        "bad_period",
        "some timestamps with a UTC offset and some without",
    )
    fault(
        "no_periods.csv",
        HEADER + ",950,620\n,951,621\n",
        "missing_period",
        "values without periods",
    )
    fault(
        "registers_backwards.xlsx",
        (CORPUS / "register_backwards.xlsx").read_bytes(),
        "register_backwards",
        "registers going backwards",
    )

    # --- text files
    fault("nul_bytes.csv", HEADER.encode() + b"2025-01,9\x0050,620\n", "binary_text", "NUL bytes")
    fault("utf16.csv", (HEADER + ROWS).encode("utf-16"), "binary_text", "UTF-16 text")
    fault(
        "ragged_rows.csv",
        HEADER + "2025-01,950,620\n2025-02,950,620,7,8,9\n2025-03,950\n",
        "ragged_rows",
        "ragged rows",
    )
    fault(
        "bom_then_gbk.csv",
        b"\xef\xbb\xbf" + ("月份,总用电量(kWh),IT设备用电量(kWh)\n" + ROWS).encode("gbk"),
        "usable",
        "a UTF-8 BOM in front of GBK text (wrong declared encoding)",
        finding="encoding_mismatch",
    )
    fault("only_delimiters.csv", ",,,,\n,,,,\n", "empty_file", "nothing but commas")
    fault("xlsx_named_csv.csv", GOOD, "wrong_type", "a workbook with a .csv name")
    fault(
        "unknown_type.pdf",
        b"%PDF-1.4 not a submission",
        "unsupported_type",
        "a PDF among the submissions",
    )

    # --- names and text that must stay text
    fault(
        "数据中心能耗🚀" + "很长的文件名" * 12 + ".csv",
        HEADER + ROWS,
        "usable",
        "Chinese, emoji and a very long file name",
    )
    fault(
        "script_in_cells.csv",
        "Period,Facility energy (kWh),IT energy (kWh),<script>alert(1)"
        "</script>\n" + ROWS.replace("\n", ",x\n"),
        "usable",
        "script in a header",
        finding="unrecognised_column",
    )
    fault("=cmd formula name.csv", HEADER + ROWS, "usable", "a file name that is a formula")

    # --- archives (batch mode)
    def archive(
        name: str,
        members: list[tuple[str, bytes]],
        outcome: str,
        what: str,
        symlink: str | None = None,
    ) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for member, data in members:
                z.writestr(member, data)
            if symlink:
                info = zipfile.ZipInfo(symlink)
                info.external_attr = 0o120777 << 16
                z.writestr(info, "/etc/passwd")
        fault(name, buffer.getvalue(), outcome, what, batch_only=True)

    archive(
        "zip_slip.zip",
        [("../../evil.csv", HEADER + ROWS)],
        "not_a_submission",
        "a member path climbing out of the archive",
    )
    archive(
        "absolute_path.zip",
        [("/tmp/evil.csv", HEADER + ROWS)],
        "not_a_submission",
        "an absolute member path",
    )
    archive("symlink.zip", [], "not_a_submission", "a symbolic link member", symlink="link.csv")
    archive(
        "nested.zip",
        [("inner.zip", b"PK\x05\x06" + b"\0" * 18)],
        "not_a_submission",
        "an archive inside an archive",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.csv", HEADER + ROWS)
    fault(
        "directory_before_start.zip",
        directory_before_start(buffer.getvalue()),
        "not_a_submission",
        "an archive whose central directory points before the file's start",
        batch_only=True,
    )
    fault("truncated.zip", GOOD[:100], "not_a_submission", "a truncated archive", batch_only=True)

    (OUT / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(expected)} faults to {OUT}")


if __name__ == "__main__":
    sys.exit(main())

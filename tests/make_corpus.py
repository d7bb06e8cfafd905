"""Write the ingest corpus: real-shaped spreadsheets in the shapes operators send.

Run from the repository root with the test extra installed:  python tests/make_corpus.py
It rewrites tests/data/corpus/ and tests/data/corpus/expected.json, which records for every file
the facility-total and IT energy [kWh] it must read to, or the error it must give.  The data are
the demo facility's monthly figures (greendc.synthetic), so the expected totals are known exactly.
Writers differ on purpose (openpyxl, xlsxwriter through greendc, xlwt, plain text) because
operators' files come from many programs.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from greendc.authoring import synthetic
from greendc.authoring.template import write_submission

OUT = Path(__file__).resolve().parent / "data" / "corpus"
MONTHS = synthetic.monthly_table().round(1)
FAC = MONTHS["facility_energy_kwh"].to_numpy()
IT = MONTHS["it_energy_kwh"].to_numpy()
COOL = MONTHS["cooling_energy_kwh"].to_numpy()
STARTS = [dt.datetime(2025, m, 1) for m in range(1, 13)]
expected: dict[str, dict] = {}


def ok(name: str, fac: float, it: float, note: str, **more) -> None:
    expected[name] = {"facility_kwh": float(fac), "it_kwh": float(it), "shape": note, **more}


def fails(name: str, code: str, note: str) -> None:
    expected[name] = {"error": code, "shape": note}


def book_with(
    rows: list[list],
    name: str,
    title: str = "Energy",
    before: list[list] = (),
    merge: str | None = None,
) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in before:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    for row in rows:
        ws.append(row)
    book.save(OUT / name)
    return book


def monthly_rows(scale: float = 1.0, periods=None, cooling=False) -> list[list]:
    periods = periods or STARTS
    return [
        [p, FAC[i] * scale, IT[i] * scale] + ([COOL[i] * scale] if cooling else [])
        for i, p in enumerate(periods)
    ]


def write_csv(name: str, text: str, encoding: str = "utf-8") -> None:
    (OUT / name).write_bytes(text.encode(encoding))


def csv_text(header: list[str], rows: list[list], sep: str = ",") -> str:
    lines = [sep.join(header)]
    for row in rows:
        lines.append(sep.join(v if isinstance(v, str) else repr(float(v)) for v in row))
    return "\n".join(lines) + "\n"


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    total_fac, total_it = FAC.sum(), IT.sum()

    # 1-2. the canonical workbook, both languages, written by greendc itself
    for lang in ("zh", "en"):
        write_submission(
            OUT / f"canonical_{lang}.xlsx",
            facility=synthetic.DEMO_FACILITY,
            energy=MONTHS,
            lang=lang,
        )
        ok(f"canonical_{lang}.xlsx", total_fac, total_it, f"canonical template ({lang})")

    # 3. title rows and merged cells above the header, 万千瓦时 in full-width brackets
    book_with(
        [["月份", "总用电量（万千瓦时）", "IT设备用电量（万千瓦时）"]]
        + [[f"2025年{m}月", FAC[m - 1] / 1e4, IT[m - 1] / 1e4] for m in range(1, 13)],
        "title_rows_merged.xlsx",
        "能耗统计",
        before=[["2025年度数据中心能耗统计表"], ["填报单位：示例公司", None, "单位：见表头"], []],
        merge="A1:C1",
    )
    ok("title_rows_merged.xlsx", total_fac, total_it, "title rows, merged cells, 万千瓦时")

    # 4. units in the row under the header
    book_with(
        [
            ["Period", "Facility total energy", "IT energy"],
            ["", "(MWh)", "(MWh)"],
            *monthly_rows(0.001),
        ],
        "units_row.xlsx",
    )
    ok("units_row.xlsx", total_fac, total_it, "units in the row under the header")

    # 5. headers without units, unit declared on the Facility sheet
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "基本信息"
    ws.append(["字段", "值"])
    ws.append(["数据中心名称", "单位声明测试"])
    ws.append(["能耗单位", "MWh"])
    energy = book.create_sheet("能耗数据")
    energy.append(["时段", "总用电量", "IT设备用电量"])
    for row in monthly_rows(1e-3):
        energy.append(row)
    book.save(OUT / "unit_on_facility_sheet.xlsx")
    ok("unit_on_facility_sheet.xlsx", total_fac, total_it, "unit declared on the Facility sheet")

    # 6. square-bracket units, English synonyms, a cooling column
    book_with(
        [
            ["Month", "Main incomer [kWh]", "IT load [kWh]", "HVAC [kWh]"],
            *monthly_rows(cooling=True),
        ],
        "synonyms_en.xlsx",
        "Sheet1",
    )
    ok("synonyms_en.xlsx", total_fac, total_it, "English synonyms, [kWh]")

    # 7. GJ in a CSV
    write_csv(
        "gj.csv",
        csv_text(
            ["date", "Total facility energy (GJ)", "IT energy (GJ)"],
            [
                [p.strftime("%Y-%m-%d"), FAC[i] * 0.0036, IT[i] * 0.0036]
                for i, p in enumerate(STARTS)
            ],
        ),
    )
    ok("gj.csv", total_fac, total_it, "GJ")

    # 8. full-width letters and punctuation
    write_csv(
        "fullwidth.csv",
        csv_text(
            ["统计月份", "数据中心总能耗（ＭＷｈ）", "ＩＴ能耗（ＭＷｈ）"],
            [[p.strftime("%Y-%m"), FAC[i] / 1e3, IT[i] / 1e3] for i, p in enumerate(STARTS)],
        ),
    )
    ok("fullwidth.csv", total_fac, total_it, "full-width characters")

    # 9. mean power in kW, hourly, three days
    hours = pd.date_range("2025-03-01", periods=72, freq="h")
    kw_fac = 5000 + 300 * np.sin(np.arange(72) / 24 * 2 * np.pi)
    kw_it = 4000 + 200 * np.sin(np.arange(72) / 24 * 2 * np.pi)
    book_with(
        [["时间", "总功率 (kW)", "IT功率 (kW)"]]
        + [
            [h.to_pydatetime(), float(a), float(b)]
            for h, a, b in zip(hours, kw_fac, kw_it, strict=True)
        ],
        "power_hourly.xlsx",
        "功率",
    )
    ok("power_hourly.xlsx", kw_fac.sum(), kw_it.sum(), "mean power kW, hourly")

    # 10. cumulative register readings, 13 readings for 12 months: a reading taken on the 1st
    # closes the month before, so 2025-01-01 ... 2026-01-01 cover January to December 2025
    start_fac, start_it = 1_000_000.0, 600_000.0
    reg_fac = start_fac + np.r_[0, np.cumsum(FAC[:12])]
    reg_it = start_it + np.r_[0, np.cumsum(IT[:12])]
    periods = [*STARTS, dt.datetime(2026, 1, 1)]
    book_with(
        [["抄表月份", "总进线表底 (kWh)", "UPS输出读数 (kWh)"]]
        + [[p, float(a), float(b)] for p, a, b in zip(periods, reg_fac, reg_it, strict=True)],
        "registers_monthly.xlsx",
        "抄表记录",
    )
    ok(
        "registers_monthly.xlsx",
        reg_fac[-1] - reg_fac[0],
        reg_it[-1] - reg_it[0],
        "cumulative register readings",
    )

    # 11. a register that goes backwards (meter replaced in July)
    broken = reg_it.copy()
    broken[7:] -= reg_it[7] - 1000
    book_with(
        [["抄表月份", "总进线表底 (kWh)", "UPS输出读数 (kWh)"]]
        + [[p, float(a), float(b)] for p, a, b in zip(periods, reg_fac, broken, strict=True)],
        "register_backwards.xlsx",
        "抄表记录",
    )
    fails("register_backwards.xlsx", "register_backwards", "register runs backwards")

    # 12-14. month spellings: 2025年1月, Jan-25, Excel serial numbers
    write_csv(
        "months_cn.csv",
        csv_text(
            ["年月", "总用电量(kWh)", "IT用电量(kWh)"],
            [[f"2025年{i + 1}月", FAC[i], IT[i]] for i in range(12)],
        ),
    )
    ok("months_cn.csv", total_fac, total_it, "2025年1月 text")
    write_csv(
        "months_jan25.csv",
        csv_text(
            ["Month", "Facility energy (kWh)", "IT energy (kWh)"],
            [[p.strftime("%b-%y"), FAC[i], IT[i]] for i, p in enumerate(STARTS)],
        ),
    )
    ok("months_jan25.csv", total_fac, total_it, "Jan-25 text")
    serials = [(p - dt.datetime(1899, 12, 30)).days for p in STARTS]
    write_csv(
        "excel_serial.csv",
        csv_text(
            ["Date", "Facility energy (kWh)", "IT energy (kWh)"],
            [[str(s), FAC[i], IT[i]] for i, s in enumerate(serials)],
        ),
    )
    ok("excel_serial.csv", total_fac, total_it, "Excel serial day numbers")

    # 15-17. daily, 15-minute and 5-minute data
    days = pd.date_range("2025-01-01", periods=31, freq="D")
    d_fac, d_it = np.full(31, 120_000.5), np.full(31, 96_000.25)
    d_fac[5] += 1000
    book_with(
        [["日期", "总用电量 (kWh)", "IT设备用电量 (kWh)"]]
        + [
            [d.to_pydatetime(), float(a), float(b)]
            for d, a, b in zip(days, d_fac, d_it, strict=True)
        ],
        "daily.xlsx",
        "日数据",
    )
    ok("daily.xlsx", d_fac.sum(), d_it.sum(), "daily rows")
    for name, freq, n in (("quarter_hour.csv", "15min", 192), ("five_minute.csv", "5min", 288)):
        stamps = pd.date_range("2025-06-01", periods=n, freq=freq)
        a = np.round(1200 + 50 * np.cos(np.arange(n) / n * 2 * np.pi), 3)
        b = np.round(a / 1.25, 3)
        write_csv(
            name,
            csv_text(
                ["timestamp", "facility_energy (kWh)", "it_energy (kWh)"],
                [
                    [s.strftime("%Y-%m-%d %H:%M"), x, y]
                    for s, x, y in zip(stamps, a, b, strict=True)
                ],
            ),
        )
        ok(name, a.sum(), b.sum(), f"{freq} interval data")

    # 18. ISO timestamps with a UTC offset (Z), converted to Asia/Shanghai
    stamps = pd.date_range("2025-06-30T16:00:00Z", periods=48, freq="h")
    write_csv(
        "iso_utc.csv",
        csv_text(
            ["datetime", "Facility energy (kWh)", "IT energy (kWh)"],
            [[s.strftime("%Y-%m-%dT%H:%M:%SZ"), 5000.0, 4000.0] for s in stamps],
        ),
    )
    ok(
        "iso_utc.csv",
        48 * 5000.0,
        48 * 4000.0,
        "ISO 8601 with Z, converted to local time",
        first_period="2025-07-01T00:00:00",
    )

    # 19-20. a totals row (correct, then wrong)
    book_with(
        [
            ["月份", "总用电量(kWh)", "IT设备用电量(kWh)"],
            *monthly_rows(),
            ["合计", float(total_fac), float(total_it)],
        ],
        "totals_row.xlsx",
        "电量",
    )
    ok("totals_row.xlsx", total_fac, total_it, "totals row excluded", finding="totals_row_excluded")
    book_with(
        [
            ["月份", "总用电量(kWh)", "IT设备用电量(kWh)"],
            *monthly_rows(),
            ["Total", float(total_fac) * 1.1, float(total_it)],
        ],
        "totals_mismatch.xlsx",
        "电量",
    )
    ok(
        "totals_mismatch.xlsx",
        total_fac,
        total_it,
        "totals row that disagrees",
        finding="totals_mismatch",
    )

    # 21. data split by half-year over two sheets
    book = openpyxl.Workbook()
    for s, (title, part) in enumerate((("2025上半年", range(0, 6)), ("2025下半年", range(6, 12)))):
        ws = book.active if s == 0 else book.create_sheet()
        ws.title = title
        ws.append(["月份", "总用电量(kWh)", "IT设备用电量(kWh)"])
        for i in part:
            ws.append([STARTS[i], float(FAC[i]), float(IT[i])])
    book.save(OUT / "split_by_halfyear.xlsx")
    ok(
        "split_by_halfyear.xlsx",
        total_fac,
        total_it,
        "one table per half-year sheet",
        finding="combined_sheets",
    )

    # 22. data split by meter: facility on one sheet, IT on another
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "总表"
    ws.append(["月份", "总用电量(kWh)"])
    for i, p in enumerate(STARTS):
        ws.append([p, float(FAC[i])])
    ws = book.create_sheet("IT")
    ws.append(["月份", "IT设备用电量(kWh)"])
    for i, p in enumerate(STARTS):
        ws.append([p, float(IT[i])])
    book.save(OUT / "split_by_meter.xlsx")
    ok("split_by_meter.xlsx", total_fac, total_it, "one sheet per meter, joined on the period")

    # 23. .xlsm (macro-enabled name; macros are never run)
    book_with(
        [["Period", "Facility energy (kWh)", "IT energy (kWh)"], *monthly_rows()],
        "macro_enabled.xlsm",
    )
    ok("macro_enabled.xlsm", total_fac, total_it, ".xlsm workbook")

    # 24. legacy .xls (BIFF8), as government forms often are
    import xlwt

    xls = xlwt.Workbook()
    ws = xls.add_sheet("能耗")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm")
    for c, text in enumerate(["统计月份", "总耗电量（万千瓦时）", "IT耗电量（万千瓦时）"]):
        ws.write(2, c, text)
    ws.write(0, 0, "数据中心能耗报表")
    for i, p in enumerate(STARTS):
        ws.write(3 + i, 0, p, date_style)
        ws.write(3 + i, 1, float(FAC[i]) / 1e4)
        ws.write(3 + i, 2, float(IT[i]) / 1e4)
    xls.save(str(OUT / "legacy.xls"))
    ok("legacy.xls", total_fac, total_it, "legacy .xls")

    # 25-26. text encodings and separators
    write_csv(
        "gbk_semicolon.csv",
        csv_text(
            ["月份", "总用电量(度)", "IT设备用电量(度)"],
            [[p.strftime("%Y-%m"), FAC[i], IT[i]] for i, p in enumerate(STARTS)],
            sep=";",
        ),
        "gbk",
    )
    ok("gbk_semicolon.csv", total_fac, total_it, "GBK, semicolons, 度")
    write_csv(
        "bom_tab.txt",
        csv_text(
            ["Period", "Facility energy (kWh)", "IT energy (kWh)"],
            [[p.strftime("%Y-%m"), FAC[i], IT[i]] for i, p in enumerate(STARTS)],
            sep="\t",
        ),
        "utf-8-sig",
    )
    ok("bom_tab.txt", total_fac, total_it, "UTF-8 with BOM, tab separated")

    # 27. data on a hidden sheet
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表数据见隐藏工作表"])
    ws = book.create_sheet("data")
    ws.sheet_state = "hidden"
    ws.append(["Period", "Facility energy (kWh)", "IT energy (kWh)"])
    for row in monthly_rows():
        ws.append(row)
    book.save(OUT / "hidden_sheet.xlsx")
    ok("hidden_sheet.xlsx", total_fac, total_it, "data on a hidden sheet", finding="hidden_sheet")

    # 28. rows out of order
    shuffled = [monthly_rows()[i] for i in (3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 10)]
    write_csv(
        "unordered.csv",
        csv_text(
            ["Period", "Facility energy (kWh)", "IT energy (kWh)"],
            [[r[0].strftime("%Y-%m"), r[1], r[2]] for r in shuffled],
        ),
    )
    ok("unordered.csv", total_fac, total_it, "rows out of order", finding="unordered_periods")

    # 29-35. files that must be refused, each with its own error
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Period", "Facility energy (kWh)", "IT energy (kWh)"])
    for i, p in enumerate(STARTS):
        ws.append([p, f"=C{i + 2}*1.25", float(IT[i])])
    book.save(OUT / "formula_no_cache.xlsx")
    fails("formula_no_cache.xlsx", "formula_without_value", "formulas saved without results")
    rows = monthly_rows()
    rows[4][2] = "未抄"
    book_with([["Period", "Facility energy (kWh)", "IT energy (kWh)"], *rows], "text_in_cell.xlsx")
    fails("text_in_cell.xlsx", "text_in_number", "未抄 typed into a number cell")
    book_with(
        [["Period", "Facility energy (kWh)", "Cooling (kWh)"], *monthly_rows()], "missing_it.xlsx"
    )
    fails("missing_it.xlsx", "missing_column", "no IT column")
    (OUT / "not_a_workbook.xlsx").write_text("PK? no: a text file renamed to .xlsx\n")
    fails("not_a_workbook.xlsx", "not_a_workbook", "not a workbook")
    openpyxl.Workbook().save(OUT / "empty.xlsx")
    fails("empty.xlsx", "empty_workbook", "every sheet empty")
    write_csv(
        "it_above_total.csv",
        csv_text(
            ["Period", "Facility energy (kWh)", "IT energy (kWh)"],
            [[p.strftime("%Y-%m"), IT[i] * 0.9, IT[i]] for i, p in enumerate(STARTS)],
        ),
    )
    fails("it_above_total.csv", "it_above_facility", "IT above facility total")
    write_csv(
        "ambiguous_dates.csv",
        csv_text(
            ["Date", "Facility energy (kWh)", "IT energy (kWh)"],
            [[f"0{m}/01/2025", FAC[m - 1], IT[m - 1]] for m in range(1, 10)],
        ),
    )
    fails("ambiguous_dates.csv", "bad_period", "dd/mm or mm/dd: refused, never guessed")

    (OUT / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(expected)} files to {OUT}")


if __name__ == "__main__":
    sys.exit(main())

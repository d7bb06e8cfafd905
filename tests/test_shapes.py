"""Workbook shapes operators type by hand, each read by greendc and checked against sums made here.

Every workbook is written with openpyxl (or as CSV bytes) into ``tmp_path`` the way a person
lays it out in Excel: a title above the table, blank rows, units in the headers, merged cells,
notes and signatures under the table. The expected facility energy, IT energy and annual PUE
are computed in each test from the very numbers written, by plain Python sums, with the unit
conversions done here (MWh x 1,000; 万kWh x 10,000), independently of greendc.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

import openpyxl
import pytest
from pytest import approx

from greendc import InputError, Options, assess

YEAR = 2025
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# short role name -> canonical column name, so either key in d["input"]["columns"] is found
CANONICAL = {
    "period": "period_start", "facility": "facility_energy_kwh", "it": "it_energy_kwh",
    "cooling": "cooling_energy_kwh", "losses": "power_loss_energy_kwh",
    "other": "other_energy_kwh",
}


# ---------------------------------------------------------------------------------------------
# figures


@dataclass(frozen=True)
class Month:
    """One month's metered energy in kWh (integers, as read off a meter)."""

    month: int
    facility: int
    it: int
    cooling: int
    lighting: int


def months(seed: int = 0) -> list[Month]:
    """Twelve deterministic months: facility 1.05-1.41 GWh, monthly PUE 1.25-1.55."""
    out = []
    for i in range(12):
        facility = 1_050_000 + 31_700 * ((i * 5 + seed) % 12) + 173 * i
        pue = 1.25 + 0.027 * ((i * 7 + seed) % 12)
        it = round(facility / pue)
        overhead = facility - it
        out.append(Month(i + 1, facility, it, round(overhead * 0.72), round(overhead * 0.08)))
    return out


@dataclass(frozen=True)
class Expected:
    facility_kwh: float
    it_kwh: float

    @property
    def pue(self) -> float:
        return self.facility_kwh / self.it_kwh


def expected(facility_kwh, it_kwh) -> Expected:
    """Totals of the written values (already converted to kWh)."""
    return Expected(sum(facility_kwh), sum(it_kwh))


# ---------------------------------------------------------------------------------------------
# writing


def write_xlsx(path, rows, *, sheet: str = "Sheet1", merges=(), formats=None):
    """Write ``rows`` (lists of cell values; ``[]`` is a blank row) from A1 down, as typed."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, datetime) and formats:
                    cell.number_format = formats
    for cells in merges:
        ws.merge_cells(cells)
    for letter in "ABCDEFGHIJKLMNOP":
        ws.column_dimensions[letter].width = 16
    book.save(path)
    return path


def first_of(month: int) -> datetime:
    return datetime(YEAR, month, 1)


# ---------------------------------------------------------------------------------------------
# reading and checking


def run(path, options: Options | None = None) -> dict:
    """Assess ``path``; the file must be usable."""
    result = assess(path, options or Options())
    d = result.to_dict()
    assert result.ok, [e["message"]["en"] for e in d["errors"]]
    return d


def codes(d: dict) -> list[str]:
    return [f["code"] for f in d["findings"]]


def finding(d: dict, code: str) -> dict:
    found = [f for f in d["findings"] if f["code"] == code]
    assert found, f"no {code} finding among {codes(d)}"
    return found[0]


def column(d: dict, role: str) -> dict:
    columns = d["input"]["columns"]
    for key in (role, CANONICAL.get(role, role)):
        if key in columns:
            return columns[key]
    raise AssertionError(f"no {role} column among {sorted(columns)}")


def headers_read(d: dict) -> set[str]:
    """Every header greendc took, parts of summed roles included."""
    out = set()
    for info in d["input"]["columns"].values():
        out.add(info.get("header"))
        out.update(part.get("header") for part in info.get("parts") or ())
    return out


def check_totals(d: dict, exp: Expected) -> None:
    assert d["energy"]["facility_kwh"] == approx(exp.facility_kwh, rel=1e-9)
    assert d["energy"]["it_kwh"] == approx(exp.it_kwh, rel=1e-9)
    assert d["metrics"]["pue"]["value"] == approx(exp.pue, rel=1e-9)


def check_year(d: dict, granularity: str = "monthly") -> None:
    assert d["period"]["start"] == f"{YEAR}-01-01"
    assert d["period"]["end"] == f"{YEAR}-12-31"
    assert d["period"]["granularity"] == granularity


# ---------------------------------------------------------------------------------------------
# builders, one per pattern


def build_plain(path, headers, period, *, title=None, sheet="Sheet1", notes=(), unit_row=None,
                width=None, formats=None, seed=0, extra=None):
    """A monthly table: optional merged title and blank row, headers, optional unit row, twelve
    rows of period/facility/IT/cooling, optional notes under a blank row.

    ``period(m)`` gives the period cell of month m; ``extra(month)`` gives more cells per row.
    """
    data = months(seed)
    rows, merges = [], []
    if title:
        rows += [[title], []]
        merges.append(f"A1:{openpyxl.utils.get_column_letter(width or len(headers))}1")
    rows.append(list(headers))
    if unit_row:
        rows.append(list(unit_row))
    for m in data:
        cells = [period(m.month), m.facility, m.it]
        if len(headers) > 3 and extra is None:
            cells.append(m.cooling)
        rows.append(cells + (extra(m) if extra else []))
    if notes:
        rows.append([])
        rows += [list(n) for n in notes]
    write_xlsx(path, rows, sheet=sheet, merges=merges, formats=formats)
    return path, expected([m.facility for m in data], [m.it for m in data])


def build_meters(path, headers, period, split_facility, split_it, *, title=None, seed=1):
    """A monthly table whose facility and IT energy are each split over several meters."""
    data = months(seed)
    rows = ([[title], []] if title else []) + [list(headers)]
    fac_parts, it_parts = [], []
    for m in data:
        f = split(m.facility, split_facility)
        i = split(m.it, split_it)
        fac_parts += f
        it_parts += i
        rows.append([period(m.month), *f, *i])
    merges = [f"A1:{openpyxl.utils.get_column_letter(len(headers))}1"] if title else []
    write_xlsx(path, rows, merges=merges)
    return path, expected(fac_parts, it_parts)


def split(total: int, shares) -> list[int]:
    """``total`` split by ``shares`` into integers that add up to it exactly."""
    parts = [round(total * s) for s in shares[:-1]]
    return [*parts, total - sum(parts)]


def build_two_row_header(path, seed=2):
    """Row 3 groups merged over two buildings each, row 4 the building names."""
    data = months(seed)
    rows = [["XX数据中心2025年分楼能耗统计"], [],
            ["月份", "总用电量(kWh)", None, "IT设备用电量(kWh)", None],
            [None, "A楼", "B楼", "A楼", "B楼"]]
    fac, it = [], []
    for m in data:
        f = split(m.facility, (0.58, 0.42))
        i = split(m.it, (0.61, 0.39))
        fac += f
        it += i
        rows.append([f"{YEAR}年{m.month}月", *f, *i])
    write_xlsx(path, rows, merges=["A1:E1", "A3:A4", "B3:C3", "D3:E3"])
    return path, expected(fac, it)


def build_transposed(path, title, head, period_cells, total_head, items, scale, *, decimals=None,
                     seed=3):
    """Periods as columns: one row per item, a totals column typed as the sum of the row.

    ``items`` are (label cells, attribute of Month); values are kWh / ``scale`` rounded to
    ``decimals`` (None: kWh integers).
    """
    data = months(seed)
    rows, merges = [], []
    width = len(head) + 12 + 1
    if title:
        rows.append([title])
        merges.append(f"A1:{openpyxl.utils.get_column_letter(width)}1")
    rows.append([*head, *period_cells, total_head])
    written = {}
    for labels, attr in items:
        values = [getattr(m, attr) / scale for m in data]
        if decimals is not None:
            values = [round(v, decimals) for v in values]
        written[attr] = values
        total = sum(values) if decimals is None else round(sum(values), decimals)
        rows.append([*labels, *values, total])
    write_xlsx(path, rows, merges=merges)
    return path, expected([v * scale for v in written["facility"]],
                          [v * scale for v in written["it"]])


def build_registers(path, headers, stamps, per_period, *, title=None,
                    start=(48_213_907, 37_560_114)):
    """Cumulative meter readings at ``stamps`` (one more than the periods in ``per_period``,
    a list of (facility kWh, IT kWh)); returns the readings' differences as the expectation."""
    fac_reading, it_reading = start
    readings = [(fac_reading, it_reading)]
    for f, i in per_period:
        fac_reading += f
        it_reading += i
        readings.append((fac_reading, it_reading))
    rows = ([[title], []] if title else []) + [list(headers)]
    rows += [[stamp, f, i] for stamp, (f, i) in zip(stamps, readings, strict=True)]
    write_xlsx(path, rows, merges=["A1:C1"] if title else (), formats="yyyy-mm-dd hh:mm")
    fac_diff = [b[0] - a[0] for a, b in itertools.pairwise(readings)]
    it_diff = [b[1] - a[1] for a, b in itertools.pairwise(readings)]
    return path, expected(fac_diff, it_diff)


def build_scaled(path, title, headers, period, scale, decimals, *, extra_attrs=(), seed=4):
    """A monthly table in a unit larger than kWh: values are kWh / scale rounded to decimals."""
    data = months(seed)
    rows = [[title], [], list(headers)]
    fac, it = [], []
    for m in data:
        f = round(m.facility / scale, decimals)
        i = round(m.it / scale, decimals)
        fac.append(f * scale)
        it.append(i * scale)
        rows.append([period(m.month), f, i,
                     *(round(getattr(m, a) / scale, decimals) for a in extra_attrs)])
    write_xlsx(path, rows, merges=[f"A1:{openpyxl.utils.get_column_letter(len(headers))}1"],
               formats="mmm-yy")
    return path, expected(fac, it)


def build_gbk_csv(path, seed=5):
    """A CSV exported by a monitoring system, in GBK, with a note on the last line."""
    data = months(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["日期", "市电总进线电量(kWh)", "IT负荷用电(kWh)"])
    for m in data:
        writer.writerow([f"{YEAR}/{m.month:02d}", m.facility, m.it])
    writer.writerow(["注：以上数据由动环系统导出"])
    path.write_bytes(out.getvalue().encode("gbk"))
    return path, expected([m.facility for m in data], [m.it for m in data])


# ---------------------------------------------------------------------------------------------
# the shapes

ZH_HEADERS = ("月份", "全站用电量（kWh）", "IT负载电量（kWh）", "制冷用电（kWh）")
ZH_TITLE = "XX数据中心2025年能耗统计表"
ZH_SHORT = ("月份", "总用电量(kWh)", "IT设备用电量(kWh)")


def test_template_like_clean_sheet(tmp_path):
    """1. Template-like monthly sheet with English headers and real dates (control)."""
    path, exp = build_plain(tmp_path / "clean.xlsx",
                            ("Period start", "Facility total energy (kWh)", "IT energy (kWh)"),
                            first_of, sheet="Energy", formats="yyyy-mm")
    d = run(path)
    check_totals(d, exp)
    check_year(d)


def test_chinese_hand_typed(tmp_path):
    """2. Chinese title, blank row, full-width unit brackets, months as "2025-01" text."""
    path, exp = build_plain(tmp_path / "能耗统计.xlsx", ZH_HEADERS,
                            lambda m: f"{YEAR}-{m:02d}", title=ZH_TITLE)
    d = run(path)
    check_totals(d, exp)
    check_year(d)


def test_chinese_with_notes_and_signatures(tmp_path):
    """3. Shape 2 with a note and a signature row under the table."""
    notes = (["注：数据来源于关口表及UPS输出计量。"], ["填表人：张三", None, "审核人：李四"])
    path, exp = build_plain(tmp_path / "能耗统计.xlsx", ZH_HEADERS,
                            lambda m: f"{YEAR}-{m:02d}", title=ZH_TITLE, notes=notes)
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert "notes_ignored" in codes(d)


def test_months_with_year_in_title(tmp_path):
    """4. Months "1月".."12月", the year only in the title."""
    title = "2025年度数据中心用电统计"
    path, exp = build_plain(tmp_path / "用电统计.xlsx", ZH_SHORT, lambda m: f"{m}月", title=title)
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    origin = str(finding(d, "year_inferred")["params"]["origin"])
    assert "title" in origin.lower() or "标题" in origin or title in origin


def test_months_with_year_in_sheet_name(tmp_path):
    """5. Months "1月".."12月", the year only in the sheet name "2025年"."""
    path, exp = build_plain(tmp_path / "用电统计.xlsx", ZH_SHORT, lambda m: f"{m}月",
                            sheet="2025年")
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    origin = str(finding(d, "year_inferred")["params"]["origin"])
    assert "sheet" in origin.lower() or "工作表" in origin or "2025年" in origin


def test_month_names_without_year(tmp_path):
    """6. Months "Jan".."Dec" with no year anywhere: refused, then read with Options(year=...)."""
    path, exp = build_plain(tmp_path / "energy.xlsx",
                            ("Month", "Facility total energy (kWh)", "IT energy (kWh)"),
                            lambda m: MONTH_ABBR[m - 1], title="Monthly energy log")
    with pytest.raises(InputError) as raised:
        assess(path, Options())
    assert raised.value.code == "year_needed"
    assert str(raised.value)
    d = run(path, Options(year=YEAR))
    check_totals(d, exp)
    check_year(d)
    assert "year_inferred" in codes(d)


def test_transposed_chinese(tmp_path):
    """7. Periods as columns: 项目/单位/1月..12月/全年合计, one row per meter."""
    items = ((("总用电量", "kWh"), "facility"), (("IT设备用电量", "kWh"), "it"),
             (("制冷用电量", "kWh"), "cooling"))
    path, exp = build_transposed(tmp_path / "月度能耗.xlsx", "XX数据中心2025年各月能耗统计表",
                                 ("项目", "单位"), [f"{m}月" for m in range(1, 13)], "全年合计",
                                 items, scale=1)
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert "transposed_table" in codes(d)


def test_transposed_english_mwh(tmp_path):
    """8. Periods as columns "Jan-25".."Dec-25" with a Total column, rows in MWh."""
    items = ((("Utility energy (MWh)",), "facility"), (("IT load (MWh)",), "it"))
    path, exp = build_transposed(tmp_path / "summary.xlsx", "Monthly energy summary", ("Item",),
                                 [f"{a}-25" for a in MONTH_ABBR], "Total", items,
                                 scale=1000, decimals=3)
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert "transposed_table" in codes(d)


def test_incomers_and_ups_outputs_summed(tmp_path):
    """9. Two utility incomers and three UPS outputs, each summed into its role."""
    headers = ("日期", "1#进线电量(kWh)", "2#进线电量(kWh)",
               "1#UPS输出(kWh)", "2#UPS输出(kWh)", "3#UPS输出(kWh)")
    path, exp = build_meters(tmp_path / "进线与UPS.xlsx", headers, first_of,
                             (0.53, 0.47), (0.36, 0.33, 0.31), title="2025年电量抄表汇总")
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert "meters_summed" in codes(d)
    facility, it = column(d, "facility")["parts"], column(d, "it")["parts"]
    assert [p["column"] for p in facility] == ["B", "C"]
    assert [p["column"] for p in it] == ["D", "E", "F"]
    assert [p["header"] for p in facility] == list(headers[1:3])
    assert [p["header"] for p in it] == list(headers[3:])


def test_two_row_merged_header(tmp_path):
    """10. Two-row header: merged groups 总用电量/IT设备用电量 over A楼/B楼."""
    path, exp = build_two_row_header(tmp_path / "分楼能耗.xlsx")
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert "header_rows_combined" in codes(d)
    assert "meters_summed" in codes(d)
    assert [p["column"] for p in column(d, "facility")["parts"]] == ["B", "C"]
    assert [p["column"] for p in column(d, "it")["parts"]] == ["D", "E"]


def test_monthly_register_readings(tmp_path):
    """11. Thirteen monthly meter readings (real dates), differenced into twelve months."""
    data = months(6)
    stamps = [first_of(m) for m in range(1, 13)] + [datetime(YEAR + 1, 1, 1)]
    path, exp = build_registers(tmp_path / "抄表记录.xlsx",
                                ("抄表日期", "总表读数(kWh)", "IT表读数(kWh)"), stamps,
                                [(m.facility, m.it) for m in data],
                                title="2025年电表抄表记录")
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert [m["month"] for m in d["monthly"]] == [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    assert "register_periods" in codes(d)


def test_daily_midnight_register_readings(tmp_path):
    """12. 366 midnight readings from 2025-01-01 00:00 to 2026-01-01 00:00: 365 days."""
    days = []
    for k in range(365):
        facility = 36_000 + 211 * ((k * 13) % 37)
        days.append((facility, round(facility / (1.22 + 0.011 * ((k * 5) % 29)))))
    stamps = [datetime(YEAR, 1, 1) + timedelta(days=k) for k in range(366)]
    path, exp = build_registers(tmp_path / "readings.xlsx",
                                ("Timestamp", "Facility meter reading (kWh)",
                                 "IT meter reading (kWh)"), stamps, days)
    d = run(path)
    check_totals(d, exp)
    check_year(d, "daily")
    assert len(d["daily"]) == 365


def test_english_hand_typed_mwh(tmp_path):
    """13. English headers in MWh: Main Incomer, IT load, Cooling, Lighting; Excel month dates."""
    path, exp = build_scaled(tmp_path / "site.xlsx", "Data hall energy 2025",
                             ("Month", "Main Incomer (MWh)", "IT load (MWh)", "Cooling (MWh)",
                              "Lighting (MWh)"),
                             first_of, scale=1000, decimals=3, extra_attrs=("cooling", "lighting"))
    d = run(path)
    check_totals(d, exp)
    check_year(d)


def test_units_in_row_under_header(tmp_path):
    """14. Headers without units ("Grid import", "UPS Output"), "kWh" in the row below."""
    path, exp = build_plain(tmp_path / "meters.xlsx", ("Date", "Grid import", "UPS Output"),
                            first_of, unit_row=("", "kWh", "kWh"), formats="yyyy-mm-dd")
    d = run(path)
    check_totals(d, exp)
    check_year(d)


def test_non_energy_columns_ignored(tmp_path):
    """15. Power factor, peak demand, reactive energy, PUE and cost columns beside the energy."""
    extra_headers = ("功率因数", "最大需量(kW)", "无功电量(kvarh)", "PUE", "电费(元)")

    def extra(m: Month):
        return [round(0.93 + 0.004 * (m.month % 5), 3), round(m.facility / 720 * 1.18),
                round(m.facility * 0.21), round(m.facility / m.it, 3), round(m.facility * 0.62, 2)]

    path, exp = build_plain(tmp_path / "电量电费.xlsx",
                            ("月份", "总用电量(kWh)", "IT用电量(kWh)", *extra_headers),
                            lambda m: f"{YEAR}年{m}月", title="2025年电量及电费统计", extra=extra)
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert not headers_read(d) & set(extra_headers)


def test_explicit_column_mapping(tmp_path):
    """16. Unrecognisable headers mapped with Options(columns=...) by letter and by header."""
    path, exp = build_plain(tmp_path / "hall3.xlsx",
                            ("Month", "Hall 3 feed (kWh)", "Server hall load (kWh)"), first_of,
                            formats="mmm-yy")
    d = run(path, Options(columns=(("facility", "B"), ("it", "Server hall load (kWh)"))))
    check_totals(d, exp)
    check_year(d)
    assert column(d, "facility")["column"] == "B"
    assert column(d, "it")["header"] == "Server hall load (kWh)"


def test_gbk_csv_with_trailing_note(tmp_path):
    """17. GBK-encoded CSV export with a note on its last line."""
    path, exp = build_gbk_csv(tmp_path / "动环导出.csv")
    d = run(path)
    check_totals(d, exp)
    check_year(d)
    assert "notes_ignored" in codes(d)


def test_units_of_ten_thousand_kwh(tmp_path):
    """18. Headers in 万kWh (10,000 kWh): 10kV incomer and column-head cabinet output."""
    path, exp = build_scaled(tmp_path / "月报.xlsx", "2025年能耗月报",
                             ("月份", "10kV进线电量(万kWh)", "列头柜输出电量(万kWh)"),
                             lambda m: f"{YEAR}年{m}月", scale=10_000, decimals=4)
    d = run(path)
    check_totals(d, exp)
    check_year(d)


def test_a_value_in_a_table_with_months_as_columns_is_placed_at_its_row_and_column(tmp_path):
    """An error in a summary sheet names the cell the operator typed (row 3, column H), not the
    header row; a later check on the same table names the quantity's row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append(["2025年能耗月报"])
    ws.append(["项目", "单位", *[f"{m}月" for m in range(1, 13)]])
    ws.append(["总用电量", "kWh", *([1_200_000] * 5), "检修", *([1_200_000] * 6)])
    ws.append(["IT设备用电量", "kWh", *[1_000_000 + m for m in range(12)]])
    path = tmp_path / "月报.xlsx"
    wb.save(path)
    text = finding_of(assess(path, Options(year=2025)), "text_in_number")
    assert (text.place.sheet, text.place.row, text.place.columns) == ("月报", 3, ("H",))
    assert "row 3, column H" in text.describe("en")  # June stands in column H
    assert "第 3 行，第 H 列" in text.describe("zh")
    ws["H3"] = 1_200_000
    ws["D4"] = 1_500_000  # February's IT above the facility total: named at the IT row
    wb.save(path)
    above = finding_of(assess(path, Options(year=2025)), "it_above_facility")
    assert above.place.row == 4


def finding_of(result, code):
    return next(f for f in result.findings if f.code == code)


def test_subtotal_rows_and_a_county_after_its_city_are_read_as_an_operator_means(tmp_path):
    """上半年小计 / 下半年小计 rows between the months are left out (not checked against the
    year), the 全年合计 row is checked; 张家口市怀来县 is in Zhangjiakou; 冷板式液冷 is liquid."""
    fac = [1_200_000 + 20_000 * m for m in range(12)]
    it = [1_000_000 + 5_000 * m for m in range(12)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "能耗数据"
    ws.append(["月份", "总用电量(kWh)", "IT设备用电量(kWh)"])
    for m in range(12):
        ws.append([f"2025年{m + 1}月", fac[m], it[m]])
        if m in (5, 11):
            half = slice(m - 5, m + 1)
            ws.append(["上半年小计" if m == 5 else "下半年小计", sum(fac[half]), sum(it[half])])
    ws.append(["全年合计", sum(fac), sum(it)])
    info = wb.create_sheet("基本信息")
    for row in (["项目", "内容"], ["国家", "中国"], ["省份", "河北"], ["城市", "张家口市怀来县"],
                ["建设状态", "既有"], ["制冷方式", "冷板式液冷"], ["已安装机架数", 3200]):
        info.append(row)
    path = tmp_path / "小计.xlsx"
    wb.save(path)
    result = assess(path)
    codes_ = [f.code for f in result.findings]
    assert codes_.count("summary_row_excluded") == 2 and "totals_mismatch" not in codes_
    assert result.metrics["pue"]["value"] == approx(sum(fac) / sum(it))
    packs = {c.pack.id: c for c in result.criteria}
    assert "jjj-zhangjiakou" in packs  # the county names its prefecture's cluster
    assert result.submission.facility["cooling_type"] == "liquid"
    assert packs["gb40879-2021"].verdict == "not_applicable"  # existing and liquid-cooled
    gate = next(f for f in packs["cn-green-dc-2025"].findings if f.rule.id == "gb40879-grade-2")
    assert gate.verdict == "not_applicable"


def test_a_declared_year_without_data_and_a_month_in_two_sheets_say_so_in_both_languages(
        tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年"
    ws.append(["月份", "总用电量(kWh)", "IT设备用电量(kWh)"])
    for m in range(1, 13):
        ws.append([f"2024-{m:02d}", 1_200_000 + m, 1_000_000 + m])
    info = wb.create_sheet("基本信息")
    for row in (["项目", "内容"], ["报告期开始", datetime(2025, 1, 1)],
                ["报告期结束", datetime(2025, 12, 31)]):
        info.append(row)
    path = tmp_path / "年份.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as caught:
        assess(path)
    assert caught.value.code == "no_data_in_period"
    assert "2025-01-01 至 2025-12-31" in caught.value.translations["zh"]
    assert not any("a" <= ch <= "z" for ch in caught.value.translations["zh"].split("：", 1)[1])
    del wb["基本信息"]
    second = wb.create_sheet("2024年修订")
    second.append(["月份", "总用电量(kWh)", "IT设备用电量(kWh)"])
    second.append(["2024-03", 1_300_000, 1_000_000])
    wb.save(path)
    twice = next(f for f in assess(path).findings if f.code == "period_in_two_sheets")
    assert "facility_energy_kwh" not in twice.describe("zh") + twice.describe("en")
    assert "数据中心总用电量" in twice.describe("zh") and twice.place.column == "总用电量(kWh)"


def test_a_header_unit_and_a_different_unit_under_it_is_one_clear_error(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["月份", "总用电量(kWh)", "IT设备用电量(kWh)"])
    ws.append(["单位", "万kWh", "万kWh"])  # the values are 万kWh: which unit is meant?
    for m in range(1, 13):
        ws.append([f"2025-{m:02d}", 120.5, 100.2])
    path = tmp_path / "单位.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as caught:
        assess(path)
    assert caught.value.code == "unit_conflict"
    assert (caught.value.place.row, caught.value.place.column) == (1, "总用电量(kWh)")
    assert "万kWh" in caught.value.translations["zh"]

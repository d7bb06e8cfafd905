"""Time reading + validating + assessing one interval workbook in a warm process.

Baseline, measured in the same run on the same file: ``pandas.read_excel`` with its default
engine (openpyxl) followed by the same monthly PUE arithmetic, the way a script without greendc
would do it.  Prints the median of N runs for each and the ratio.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from greendc import assessment, reading
from greendc.authoring import synthetic
from greendc.report.html import render_html


def median_ms(func, runs: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def baseline(path: Path, sheet: str) -> float:
    frame = pd.read_excel(path, sheet_name=sheet, engine="openpyxl")
    frame = frame.set_index(frame.columns[0])
    monthly = frame.iloc[:, :2].resample("MS").sum()
    return float(monthly.iloc[:, 0].sum() / monthly.iloc[:, 1].sum())


def first_rows(path: Path, sheet: str) -> list:
    """The rows the reader searches for a header, streamed from the workbook."""
    from greendc.reading.cells import XlsxBook
    from greendc.reading.headers import HEADER_SCAN_ROWS

    return list(XlsxBook(path.read_bytes()).rows(sheet, HEADER_SCAN_ROWS))


def header_search(head: list) -> None:
    """Recognise every header of ``head`` with the recognition cache emptied, as for a new
    file's first sheet."""
    from greendc.reading.headers import find_header
    from greendc.reading.recognise import recognise
    from greendc.reference.options import Options

    recognise.cache_clear()
    assert find_header(head, Options()) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--freq", default="15min", help="15min (35,040 rows) or 1h or MS")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "interval.xlsx"
        if args.freq == "MS":
            from greendc.authoring.template import write_submission

            write_submission(path, facility=synthetic.DEMO_FACILITY,
                             energy=synthetic.monthly_table().loc["2025"], lang="en")
        else:  # one calendar year: 35,040 rows at 15 minutes
            one_year = replace(synthetic.SiteModel(), start="2025-01-01", measure_date=None)
            synthetic.write_demo_submission(path, freq=args.freq, lang="en", model=one_year)
        sub = reading.read_submission(path)
        rows, cols = sub.energy.shape
        print(f"file: {rows:,} rows x {cols + 1} columns, {path.stat().st_size / 1e6:.2f} MB")

        import fastexcel

        floor_ms = median_ms(lambda: fastexcel.read_excel(path.read_bytes()).load_sheet(
            "Energy").to_arrow(), args.runs)
        read_ms = median_ms(lambda: reading.read_submission(path), args.runs)
        head = first_rows(path, "Energy")
        rows_ms = median_ms(lambda: first_rows(path, "Energy"), args.runs)
        header_ms = median_ms(lambda: header_search(head), args.runs)
        assess_ms = median_ms(lambda: assessment.assess(path), args.runs)
        result = assessment.assess(path)
        report_ms = median_ms(lambda: render_html(result, "zh"), args.runs)
        base_ms = median_ms(lambda: baseline(path, "Energy"), max(3, args.runs // 2))

    print(f"floor: fastexcel loads the sheet {floor_ms:8.1f} ms  (no header search, no checks)")
    print(f"greendc read                    {read_ms:8.1f} ms  ({read_ms / floor_ms:.2f} x floor)")
    print(f"  first 50 rows streamed        {rows_ms:8.1f} ms  (where the header is searched)")
    print(f"  header search                 {header_ms:8.1f} ms  (every cell of those rows "
          "recognised, cache cold)")
    print(f"greendc read + validate + PUE   {assess_ms:8.1f} ms")
    print(f"greendc HTML report             {report_ms:8.1f} ms")
    print(f"baseline pandas.read_excel      {base_ms:8.1f} ms  (default engine, same PUE)")
    print(f"ratio baseline / greendc assess {base_ms / assess_ms:8.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

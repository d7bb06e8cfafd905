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
        assess_ms = median_ms(lambda: assessment.assess(path), args.runs)
        result = assessment.assess(path)
        report_ms = median_ms(lambda: render_html(result, "zh"), args.runs)
        base_ms = median_ms(lambda: baseline(path, "Energy"), max(3, args.runs // 2))

    print(f"floor: fastexcel loads the sheet {floor_ms:8.1f} ms  (no header search, no checks)")
    print(f"greendc read                    {read_ms:8.1f} ms  ({read_ms / floor_ms:.2f} x floor)")
    print(f"greendc read + validate + PUE   {assess_ms:8.1f} ms")
    print(f"greendc HTML report             {report_ms:8.1f} ms")
    print(f"baseline pandas.read_excel      {base_ms:8.1f} ms  (default engine, same PUE)")
    print(f"ratio baseline / greendc assess {base_ms / assess_ms:8.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

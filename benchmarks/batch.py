"""Batch benchmark: greendc batch against a naive per-file loop, measured in the same run.

Generates N interval workbooks (one year of 15-minute data each; distinct files made cheaply by
changing each archive's comment), N/10 monthly workbooks and N/10 interval CSV files, runs
``run_batch`` with a pool of workers, then times a naive baseline on a sample of the same
interval files: ``pandas.read_excel(path, sheet_name=None)`` with its default engine and the
same monthly PUE arithmetic, one file after another.  Prints per-file milliseconds, files per
second, the ratio, and the peak memory of a worker.

    python benchmarks/batch.py            # N = 200
    python benchmarks/batch.py -n 1000    # the 1,000-file figure
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from greendc.authoring import synthetic
from greendc.authoring.template import write_submission
from greendc.batch import BatchOptions, run_batch


def make_inbox(folder: Path, n: int) -> dict[str, int]:
    one_year = replace(synthetic.SiteModel(), start="2025-01-01", measure_date=None)
    base = folder / "base.xlsx"
    synthetic.write_demo_submission(base, freq="15min", lang="zh", model=one_year)
    inbox = folder / "inbox"
    (inbox / "interval").mkdir(parents=True)
    for i in range(n):
        target = inbox / "interval" / f"site-{i:04d}.xlsx"
        shutil.copyfile(base, target)
        with zipfile.ZipFile(target, "a") as archive:  # a distinct file, same content
            archive.comment = f"copy {i}".encode()
    (inbox / "monthly").mkdir()
    months = synthetic.monthly_table().loc["2025"]
    for i in range(max(1, n // 10)):
        facility = {**synthetic.DEMO_FACILITY, "facility_name": f"月度样例 {i}"}
        write_submission(inbox / "monthly" / f"m-{i:04d}.xlsx", facility=facility,
                         energy=months * (1 + i / 100))
    (inbox / "csv").mkdir()
    frame = synthetic.energy_table(one_year)[["facility_energy_kwh", "it_energy_kwh"]]
    text = frame.to_csv(header=["Facility energy (kWh)", "IT energy (kWh)"],
                        index_label="Period", date_format="%Y-%m-%d %H:%M")
    for i in range(max(1, n // 10)):
        (inbox / "csv" / f"c-{i:04d}.csv").write_text(text + "\n" * (i + 1), encoding="utf-8")
    base.unlink()
    return {"interval": n, "monthly": max(1, n // 10), "csv": max(1, n // 10)}


def naive(path: Path) -> float:
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")  # the current default
    energy = next(s for name, s in sheets.items() if "能耗" in name or "Energy" in name)
    energy = energy.set_index(energy.columns[0])
    monthly = energy.iloc[:, :2].resample("MS").sum()
    return float(monthly.iloc[:, 0].sum() / monthly.iloc[:, 1].sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="interval workbooks")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--naive-sample", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        counts = make_inbox(folder, args.n)
        print(f"generated {counts} in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        result = run_batch(folder / "inbox" / "interval", folder / "out-interval",
                           BatchOptions(jobs=args.jobs))
        interval_s = time.perf_counter() - start
        assert result.valid == args.n, (result.valid, args.n)
        start = time.perf_counter()
        mixed = run_batch(folder / "inbox", folder / "out-mixed", BatchOptions(jobs=args.jobs))
        mixed_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        sample = sorted((folder / "inbox" / "interval").glob("*.xlsx"))[:args.naive_sample]
        start = time.perf_counter()
        for path in sample:
            naive(path)
        naive_ms = (time.perf_counter() - start) / len(sample) * 1000
    per_file = interval_s / args.n * 1000
    total = sum(counts.values())
    print(f"greendc batch, {args.n} interval workbooks: {interval_s:.1f} s, {per_file:.0f} ms "
          f"per file (wall), {args.n / interval_s:.1f} files/s")
    print(f"greendc batch, mixed {total} files ({counts}): {mixed_s:.1f} s, "
          f"{mixed.skipped} skipped as already seen, {mixed_s / total * 1000:.0f} ms per file")
    print(f"naive loop (pandas.read_excel default engine), {len(sample)} interval files: "
          f"{naive_ms:.0f} ms per file")
    print(f"ratio naive / greendc per interval file: {naive_ms / per_file:.1f} x")
    print(f"1,000 interval workbooks at this rate: {per_file:.0f} s "
          f"({per_file * 1000 / 1000:.0f} ms x 1,000)")
    print(f"peak memory of a worker (max RSS of child processes): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The five performance goals of issue 17, each beside a baseline measured in the same run.

1. ``greendc.assess`` and reading alone against fastexcel loading the sheet (35,040 x 12);
2. ``greendc --help``, ``--version`` and a cold ``greendc assess`` of a monthly workbook, beside
   ``python -c pass``;
3. ``greendc batch`` of N four-column 35,040-row workbooks (with reports, summary.xlsx and
   index.html) against the two-core floor: the sum of single fastexcel loads of the same files,
   halved;
4. one year of 1-minute data: time and peak memory from 1,000 to 525,600 rows, each assessed in
   a fresh process;
5. the peak memory of a batch worker on the 12-column workbook.

    python benchmarks/goals.py                  # N = 32
    python benchmarks/goals.py -n 1000          # the 1,000-file batch (about 2 GB of files)
    python benchmarks/goals.py --skip 4         # leave out a goal

Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from greendc import assessment, reading
from greendc.authoring import synthetic
from greendc.authoring.template import write_submission
from greendc.batch import BatchOptions, run_batch

ROWS = (1_000, 10_000, 35_040, 105_120, 262_800, 525_600)


def median_s(func, runs: int = 5) -> float:
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor_load(path: Path, sheet: str | None = None) -> None:
    """fastexcel loading one sheet, or every sheet of the workbook (``sheet=None``)."""
    import fastexcel

    reader = fastexcel.read_excel(path.read_bytes())
    for name in [sheet] if sheet else reader.sheet_names:
        reader.load_sheet(name).to_arrow()


def write_interval(path: Path, rows: int, freq: str, columns: int = 4) -> None:
    """A plain energy table: period, facility, IT (and cooling) at ``freq``, fast to write."""
    index = pd.date_range("2025-01-01", periods=rows, freq=freq)
    hours = pd.Timedelta(freq) / pd.Timedelta(hours=1)
    it = 800.0 * hours * (1 + 0.05 * np.sin(2 * np.pi * index.hour / 24))  # rises and falls
    frame = pd.DataFrame({"Period start": index, "Facility total energy (kWh)": it * 1.3,
                          "IT energy (kWh)": it, "Cooling energy (kWh)": it * 0.22})
    frame.iloc[:, :columns].to_excel(path, sheet_name="Energy", index=False,
                                     engine="xlsxwriter" if _has("xlsxwriter") else None)


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def goal_1(folder: Path) -> None:
    path = folder / "twelve.xlsx"
    one_year = replace(synthetic.SiteModel(), start="2025-01-01", measure_date=None)
    synthetic.write_demo_submission(path, freq="15min", lang="en", model=one_year)
    floor = median_s(lambda: floor_load(path))
    energy_only = median_s(lambda: floor_load(path, "Energy"))
    read = median_s(lambda: reading.read_submission(path))
    full = median_s(lambda: assessment.assess(path))
    print(f"1. 35,040 x 12: fastexcel floor (every sheet) {floor * 1e3:.0f} ms (the Energy sheet "
          f"alone {energy_only * 1e3:.0f} ms); read {read * 1e3:.0f} ms "
          f"({read / floor:.2f}x, goal 1.3x); assess {full * 1e3:.0f} ms ({full / floor:.2f}x, "
          "goal 1.5x)")


def _run(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def goal_2(folder: Path) -> None:
    monthly = folder / "monthly.xlsx"
    write_submission(monthly, facility=synthetic.DEMO_FACILITY,
                     energy=synthetic.monthly_table().loc["2025"])
    beside = Path(sys.executable).parent / "greendc"  # the environment running this script
    exe = str(beside) if beside.exists() else shutil.which("greendc") or "greendc"
    python = statistics.median(_run(sys.executable, "-c", "pass") for _ in range(5))
    helps = statistics.median(_run(exe, "--help") for _ in range(5))
    version = statistics.median(_run(exe, "--version") for _ in range(5))
    cold = statistics.median(_run(exe, "assess", str(monthly), "--no-report") for _ in range(3))
    print(f"2. python -c pass {python:.2f} s; greendc --help {helps:.2f} s, --version "
          f"{version:.2f} s (goal 0.3 s); cold assess of a monthly workbook {cold:.2f} s "
          "(goal 1.0 s)")


def goal_3(folder: Path, n: int, jobs: int) -> None:
    inbox = folder / "inbox"
    inbox.mkdir()
    base = folder / "four.xlsx"
    write_interval(base, 35_040, "15min", columns=4)
    for i in range(n):
        target = inbox / f"site-{i:04d}.xlsx"
        shutil.copyfile(base, target)
        with zipfile.ZipFile(target, "a") as archive:  # a distinct file, same content
            archive.comment = f"copy {i}".encode()
    sample = sorted(inbox.glob("*.xlsx"))[:min(n, 16)]  # one load varies by 30 % run to run
    single = statistics.median(median_s(lambda p=p: floor_load(p, "Energy"), 3)
                               for p in sample)
    floor = single * n / 2
    start = time.perf_counter()
    result = run_batch(inbox, folder / "out", BatchOptions(jobs=jobs, lang="zh"))
    took = time.perf_counter() - start
    assert result.valid == n, (result.valid, n)
    print(f"3. batch of {n} four-column 35,040-row workbooks: {took:.1f} s; two-core floor "
          f"{floor:.1f} s ({single * 1e3:.0f} ms per fastexcel load x {n} / 2): "
          f"{took / floor:.2f}x (goal 2.0x); {n / took:.1f} files/s")


def goal_4(folder: Path) -> None:
    script = ("import json, resource, sys, time; from greendc import assess; "
              "t = time.perf_counter(); r = assess(sys.argv[1]); "
              "print(json.dumps({'s': time.perf_counter() - t, 'ok': r.ok, "
              "'mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
              "'child_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")
    print("4. rows      assess s   peak MB (reader child)   fastexcel s   (1-minute data, "
          "fresh process)")
    for rows in ROWS:
        path = folder / f"minute-{rows}.xlsx"
        write_interval(path, rows, "1min", columns=3)
        done = subprocess.run([sys.executable, "-c", script, str(path)], check=True,
                              capture_output=True, text=True)
        out = json.loads(done.stdout.strip().splitlines()[-1])
        floor = median_s(lambda p=path: floor_load(p, "Energy"), 1)
        print(f"   {rows:>7,}   {out['s']:8.2f}   {out['mb']:7.0f} ({out['child_mb']:5.0f})"
              f"          {floor:11.2f}"
              f"{'' if out['ok'] else '   (not ok)'}")
    print("   goal: 525,600 rows in 3 s and 1 GB")


def goal_5(folder: Path) -> None:
    inbox = folder / "inbox12"
    inbox.mkdir()
    one_year = replace(synthetic.SiteModel(), start="2025-01-01", measure_date=None)
    synthetic.write_demo_submission(inbox / "a.xlsx", freq="15min", lang="zh", model=one_year)
    for i in range(1, 4):
        shutil.copyfile(inbox / "a.xlsx", inbox / f"{chr(97 + i)}.xlsx")
        with zipfile.ZipFile(inbox / f"{chr(97 + i)}.xlsx", "a") as archive:
            archive.comment = f"copy {i}".encode()
    script = ("import resource, sys; from greendc.batch import BatchOptions, run_batch; "
              "run_batch(sys.argv[1], sys.argv[2], BatchOptions(jobs=1)); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    done = subprocess.run([sys.executable, "-c", script, str(inbox), str(folder / "out12")],
                          check=True, capture_output=True, text=True)
    peak = float(done.stdout.strip().splitlines()[-1])
    print(f"5. batch worker peak memory on 35,040 x 12 workbooks: {peak:.0f} MB (goal 300 MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=32, help="workbooks in the batch of goal 3")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip", type=int, action="append", default=[])
    args = parser.parse_args(argv)
    print(f"greendc goals, {time.strftime('%Y-%m-%d')}, openpyxl {openpyxl.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for number, goal in enumerate((goal_1, goal_2, goal_3, goal_4, goal_5), start=1):
            if number in args.skip:
                continue
            if number == 3:
                goal(folder, args.n, args.jobs)
            else:
                goal(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())

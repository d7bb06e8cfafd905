"""Load test of the web workbench (issue 18): uploads and page views while the pool assesses.

Starts ``greendc serve`` on a free port of 127.0.0.1 over a temporary data folder with one
enterprise account per client (organisations org01, org02 ...) and one reviewer, then runs
``--clients`` threads at once.  Each logs in through the JSON API (bearer token) and through the
login form (session cookie), uploads its share of ``--files`` distinct interval workbooks (two
years of hourly data, made once by :func:`greendc.authoring.synthetic.write_demo_submission`
with one ``SiteModel`` seed per file and kept in a cache folder between runs), and keeps
requesting pages until every upload is assessed: ``GET /api/submissions``,
``GET /api/submissions/{id}`` and the HTML ``/submissions`` page, each request timed.

At the end it checks that every upload got an id, that none was lost and that each was assessed
exactly once (through the reviewer's API and in the ``versions`` table of the data folder's
SQLite file), and prints the wall time, uploads and assessments per minute, page latency
percentiles while the pool worked (JSON and HTML apart) against the issue's goal of 1 s at the
95th percentile, and a baseline measured in the same run: one workbook assessed on its own
(``greendc assess FILE --no-report`` cold, ``greendc.assess`` warm, and the workbench's own
per-upload task, which also writes the HTML reports and Excel exports).  On Linux it also
splits the CPU time of the load phase between the worker processes, the server process, its own
client threads and everything else on the machine.

Bounded in count (``--files``) and time (``--time-limit``); talks only to 127.0.0.1; not run
in CI.  Prints; asserts nothing (the exit status is 1 when a check fails).

    python benchmarks/web_load.py                          # 200 files, 20 clients
    python benchmarks/web_load.py --files 20 --clients 4   # a quick trial
    python benchmarks/web_load.py --jobs 1 --think 5       # one worker, calmer clients
    OPENBLAS_NUM_THREADS=1 python benchmarks/web_load.py   # single-threaded BLAS everywhere
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from greendc.authoring import synthetic

PASSWORD = "load-test-password-18"  # any password of at least [web] min_password_length
FREQ = "1h"  # two years of hourly data: 17,544 rows per workbook
FIRST_SEED = 1  # workbook i is SiteModel(seed=FIRST_SEED + i): distinct data, distinct hashes
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINAL = ("done", "failed")
GOAL_P95_S = 1.0  # issue 18: pages answer within 1 s at the 95th percentile while the pool works
STARTUP_S = 60.0  # the server must answer GET /login within this many seconds of its start
STOP_S = 40.0  # SIGTERM, then SIGKILL after this long (the dispatcher's stop joins for 30 s)
REQUEST_TIMEOUT_S = 120.0  # one request; one slower than this counts as an error
BASELINE_RUNS = 3  # warm single-assessment timings, median taken (after one warm-up)
PERCENTILES = (50, 95, 99)
PAGE_KINDS = {"api": ("api_list", "api_detail"), "html": ("html_list",)}
# thread settings passed on to the server and its workers, printed (OpenBLAS honours both)
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
KINDS = ("login_api", "login_html", "upload", "api_list", "api_detail", "html_list")
EXPECTED_STATUS = {"upload": 201, "login_html": 303}  # every other request: 200


# ------------------------------------------------------------------------------ workbooks

def _write_workbook(job: tuple[Path, int]) -> None:
    path, seed = job
    part = path.with_name(f"{path.stem}.part{os.getpid()}.xlsx")
    synthetic.write_demo_submission(part, freq=FREQ,
                                    model=replace(synthetic.SiteModel(), seed=seed))
    os.replace(part, path)  # a run stopped half-way leaves no truncated workbook in the cache


def prepare_workbooks(cache: Path, n: int) -> tuple[list[Path], float]:
    """The first ``n`` cached workbooks, writing the missing ones on every core.

    Returns
    -------
    tuple of (list of Path, float)
        The workbooks and the seconds spent writing missing ones.
    """
    cache.mkdir(parents=True, exist_ok=True)
    paths = [cache / f"site-{FREQ}-seed{FIRST_SEED + i:04d}.xlsx" for i in range(n)]
    missing = [(p, FIRST_SEED + i) for i, p in enumerate(paths) if not p.exists()]
    start = time.perf_counter()
    if missing:
        print(f"writing {len(missing)} workbooks into {cache} ...", flush=True)
        with concurrent.futures.ProcessPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(_write_workbook, missing))
    return paths, time.perf_counter() - start


# ------------------------------------------------------------------------------ baseline

def baseline(exe: str, path: Path) -> dict[str, float]:
    """One workbook assessed alone, in seconds: a cold ``greendc assess --no-report``, a warm
    ``greendc.assess`` and the workbench's per-upload task (assessment, reports, exports)."""
    import greendc
    from greendc.reference.options import Options
    from greendc.web.worker import assess_version

    start = time.perf_counter()
    subprocess.run([exe, "assess", str(path), "--no-report"], capture_output=True, check=False)
    cli = time.perf_counter() - start

    def median(func) -> float:
        func()
        times = []
        for _ in range(BASELINE_RUNS):
            begin = time.perf_counter()
            func()
            times.append(time.perf_counter() - begin)
        return statistics.median(times)

    with tempfile.TemporaryDirectory(prefix="web-load-baseline-") as out:
        task = (0, str(path), path.name, out, Options())
        return {"cli": cli, "library": median(lambda: greendc.assess(path)),
                "worker": median(lambda: assess_version(task))}


# ------------------------------------------------------------------------------ the server

def add_accounts(exe: str, data: Path, clients: int) -> tuple[list[str], str]:
    """Enterprise accounts ``ent01`` ... (organisations ``org01`` ...) and ``reviewer``."""
    def add(name: str, *role: str) -> None:
        subprocess.run([exe, "users", "add", name, *role, "--password-stdin", "--data", str(data)],
                       input=PASSWORD + "\n", text=True, capture_output=True, check=True)

    names = [f"ent{i:02d}" for i in range(1, clients + 1)]
    for i, name in enumerate(names, 1):
        add(name, "--role", "enterprise", "--org", f"org{i:02d}")
    add("reviewer", "--role", "reviewer")
    return names, "reviewer"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(exe: str, data: Path, port: int, jobs: int | None,
                 log: Path) -> subprocess.Popen:
    """``greendc serve`` in its own process group, once ``GET /login`` answers 200."""
    command = [exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    with open(log, "wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"greendc serve exited with {server.returncode}: "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"greendc serve did not answer /login within {STARTUP_S:.0f} s")


def stop_server(server: subprocess.Popen) -> str:
    """Terminate the server, kill its process group after ``STOP_S``; how it ended."""
    if server.poll() is not None:
        return f"had exited ({server.returncode})"
    start = time.perf_counter()
    server.terminate()
    try:  # uvicorn shuts down, then raises the signal again: -15 is a clean stop
        server.wait(STOP_S)
        return (f"stopped by SIGTERM in {time.perf_counter() - start:.1f} s "
                f"(exit {server.returncode})")
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        return f"killed after {STOP_S:.0f} s"


def cpu_snapshot(server_pid: int) -> dict[str, float] | None:
    """CPU seconds used so far (Linux ``/proc``): by the whole machine (every core, busy time),
    by this process (the clients), by the server process itself and by the worker processes it
    has reaped; None elsewhere."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        machine = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
        stat = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    idle = int(machine[3]) + int(machine[4])  # idle and iowait
    own = resource.getrusage(resource.RUSAGE_SELF)
    # fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime) are 11-14 after the ")"
    return {"machine": (sum(int(v) for v in machine[:8]) - idle) / tick,
            "clients": own.ru_utime + own.ru_stime,
            "server": (int(stat[11]) + int(stat[12])) / tick,
            "workers": (int(stat[13]) + int(stat[14])) / tick}


# ------------------------------------------------------------------------------ the clients

@dataclass
class Sample:
    kind: str
    start: float  # time.perf_counter() at the request's start
    seconds: float
    status: int  # 0: no response (timeout, connection error)
    error: str = ""


@dataclass
class Run:
    """What the clients share: the timings, the uploads and their states."""

    expected: int
    clients: int
    deadline: float  # time.perf_counter() after which clients stop
    think: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list[Sample] = field(default_factory=list)
    states: dict[int, str] = field(default_factory=dict)  # submission id -> last seen state
    owner: dict[int, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # uploads that got no id, and why
    uploading: int = 0  # clients still uploading
    all_final_at: float | None = None
    all_final: threading.Event = field(default_factory=threading.Event)
    load_before: tuple[float, float, float] = field(default_factory=os.getloadavg)

    def timed(self, kind: str, request, *args, **kwargs) -> httpx.Response | None:
        """``request(*args, **kwargs)``, timed and recorded; None when it got no response."""
        start = time.perf_counter()
        response, error = None, ""
        try:
            response = request(*args, **kwargs)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        sample = Sample(kind, start, time.perf_counter() - start,
                        response.status_code if response is not None else 0, error)
        with self.lock:
            self.samples.append(sample)
        return response

    def note(self, submission_id: int, state: str | None, owner: str | None = None) -> None:
        with self.lock:
            self.states[submission_id] = state or "?"
            if owner:
                self.owner[submission_id] = owner
            self._check()

    def done_uploading(self) -> None:
        with self.lock:
            self.uploading -= 1
            self._check()

    def _check(self) -> None:
        if (self.uploading == 0 and not self.all_final.is_set()
                and all(s in FINAL for s in self.states.values())):
            self.all_final_at = time.perf_counter()
            self.all_final.set()

    def finished(self) -> bool:
        return self.all_final.is_set() or time.perf_counter() > self.deadline


def api_login(client: httpx.Client, run: Run, name: str) -> bool:
    response = run.timed("login_api", client.post, "/api/login",
                         json={"username": name, "password": PASSWORD})
    if response is None or response.status_code != 200:
        return False
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return True


def form_login(browser: httpx.Client, run: Run, name: str) -> bool:
    """Log in through the form: GET /login for the CSRF field and cookie, then POST it."""
    page = browser.get("/login")
    found = re.search(r'name="csrf"\s+value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)"\s+name="csrf"', page.text)
    if found is None:
        return False
    response = run.timed("login_html", browser.post, "/login",
                         data={"username": name, "password": PASSWORD, "csrf": found.group(1)})
    return response is not None and "greendc_session" in browser.cookies


def page_round(api: httpx.Client, browser: httpx.Client, run: Run, mine: list[int],
               rng: random.Random) -> None:
    """One round of page views: the JSON list, the caller's oldest uploads not yet seen final
    (up to the first still pending), or one finished one, and the HTML list."""
    run.timed("api_list", api.get, "/api/submissions")
    pending = [s for s in mine if run.states.get(s) not in FINAL]
    for submission_id in pending or ([rng.choice(mine)] if mine else []):
        response = run.timed("api_detail", api.get, f"/api/submissions/{submission_id}")
        if response is None or response.status_code != 200:
            break
        state = response.json().get("state")
        run.note(submission_id, state)
        if state not in FINAL:
            break
    run.timed("html_list", browser.get, "/submissions")


def client(base: str, name: str, files: list[Path], run: Run, seed: int) -> None:
    """One enterprise user: log in twice, upload ``files`` with a page round after each, then
    keep viewing pages until every upload of the run is final or time is up."""
    rng = random.Random(seed)
    mine: list[int] = []
    with (httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as api,
          httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as browser):
        try:
            if not api_login(api, run, name) or not form_login(browser, run, name):
                with run.lock:
                    run.refused += [f"{name} {p.name}: login failed" for p in files]
                return
            for path in files:
                if run.finished():
                    break
                response = run.timed("upload", api.post, "/api/submissions",
                                     files={"file": (path.name, path.read_bytes(), XLSX)})
                if response is not None and response.status_code == 201:
                    answer = response.json()
                    mine.append(int(answer["id"]))
                    run.note(int(answer["id"]), "queued", owner=name)
                else:
                    why = response.status_code if response is not None else "no response"
                    with run.lock:
                        run.refused.append(f"{name} {path.name}: {why}")
                page_round(api, browser, run, mine, rng)
                time.sleep(run.think)
        finally:
            run.done_uploading()
        while not run.finished():
            page_round(api, browser, run, mine, rng)
            run.all_final.wait(run.think)


# ------------------------------------------------------------------------------ checks

def check_api(base: str, reviewer: str, uploaded: set[int]) -> dict:
    """What the reviewer's API shows of the run's uploads, after it (not timed)."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as api:
        token = api.post("/api/login", json={"username": reviewer, "password": PASSWORD})
        api.headers["Authorization"] = f"Bearer {token.json()['token']}"
        start = time.perf_counter()
        listed = {row["id"] for row in api.get("/api/submissions").json()}
        list_s = time.perf_counter() - start
        states, not_one_version, no_result = Counter(), [], []
        for submission_id in sorted(uploaded):
            body = api.get(f"/api/submissions/{submission_id}").json()
            states[body.get("state")] += 1
            if len(body.get("versions") or []) != 1:
                not_one_version.append(submission_id)
            if body.get("state") == "done" and not body.get("result"):
                no_result.append(submission_id)
    return {"listed": len(listed), "missing": sorted(uploaded - listed),
            "extra": sorted(listed - uploaded), "states": dict(states),
            "not_one_version": not_one_version, "done_without_result": no_result,
            "reviewer_list_s": list_s}


def check_database(data: Path) -> dict:
    """The ``versions`` table and the results folder after the server stopped."""
    db = sqlite3.connect(f"file:{data / 'greendc.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT id, submission_id, state, record, assessed, sha256 FROM versions"
                      ).fetchall()
    submissions = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    per_submission = Counter(r[1] for r in rows)
    db.close()
    errors = Counter()
    mismatched = []
    for version_id, _, state, record, _, _ in rows:
        if record is None:
            continue
        parsed = json.loads(record)
        if parsed.get("version_id") != version_id:
            mismatched.append(version_id)
        if state == "failed":
            errors.update(e.get("code") for e in parsed.get("errors") or [])
    folders = {int(p.name) for p in (data / "results").iterdir() if p.name.isdigit()}
    return {"rows": len(rows), "submissions": submissions,
            "states": dict(Counter(r[2] for r in rows)),
            "unfinished": sum(r[2] not in FINAL for r in rows),
            "record_null": sum(r[3] is None for r in rows),
            "assessed_null": sum(r[4] is None for r in rows),
            "distinct_sha256": len({r[5] for r in rows}),
            "submissions_not_one_version": sum(c != 1 for c in per_submission.values()),
            "record_id_mismatch": mismatched, "failed_error_codes": dict(errors),
            "result_folders": len(folders),
            "result_folders_match": folders == {r[0] for r in rows}}


# ------------------------------------------------------------------------------ report

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (nan when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_rows(samples: list[Sample], groups: dict[str, tuple[str, ...]]) -> list[str]:
    lines = ["| requests | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---|---|---|---|---|---|"]
    for label, kinds in groups.items():
        chosen = [s for s in samples if s.kind in kinds]
        seconds = [s.seconds for s in chosen]
        bad = sum(s.status != EXPECTED_STATUS.get(s.kind, 200) for s in chosen)
        cells = " | ".join(f"{percentile(seconds, p) * 1000:.0f}" for p in PERCENTILES)
        top = max(seconds) * 1000 if seconds else math.nan
        lines.append(f"| {label} | {len(chosen)} | {bad} | {cells} | {top:.0f} |")
    return lines


def report(args, jobs: int, base: dict[str, float], run: Run, t0: float, api: dict, db: dict,
           server_end: str, log: Path, generated_s: float, cpu: dict | None) -> bool:
    """Print the figures; whether every check passed."""
    uploads = [s for s in run.samples if s.kind == "upload"]
    first = min((s.start for s in uploads), default=t0)
    last_upload = max((s.start + s.seconds for s in uploads), default=first)
    end = run.all_final_at or time.perf_counter()
    ids = set(run.states)
    final = sum(s in FINAL for s in run.states.values())
    during = [s for s in run.samples if first <= s.start <= end]
    upload_rate = len(ids) / max(last_upload - first, 1e-9) * 60
    assess_rate = final / max(end - first, 1e-9) * 60
    traceback_lines = log.read_text(errors="replace").count("Traceback")
    load = os.getloadavg()

    print(f"\n# greendc web workbench under load (issue 18), {time.strftime('%Y-%m-%d')}")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average (1 min) before the load phase "
          f"{run.load_before[0]:.2f}, at its end {load[0]:.2f}")
    threads = {k: os.environ[k] for k in BLAS_THREADS if k in os.environ}
    print(f"files {args.files}, clients {args.clients}, jobs {jobs}, think {args.think} s, "
          f"workbooks {FREQ} x 2 years ({generated_s:.0f} s spent writing missing ones); "
          f"BLAS threads: {threads or 'library default'}")
    print(f"\nbaseline, one workbook alone: cold `greendc assess --no-report` {base['cli']:.2f} s; "
          f"warm greendc.assess {base['library']:.2f} s; workbench task (assess + 4 HTML + "
          f"2 xlsx) {base['worker']:.2f} s")
    print(f"wall time, first upload to every upload final: {end - first:.1f} s"
          f"{'' if run.all_final_at else ' (TIME LIMIT REACHED)'}; whole load phase "
          f"{time.perf_counter() - t0:.1f} s")
    print(f"uploads: {len(ids)} in {last_upload - first:.1f} s = {upload_rate:.1f} per minute")
    per_task = 60 / base["worker"]
    print(f"assessments: {final} final in {end - first:.1f} s = {assess_rate:.1f} per minute = "
          f"{assess_rate / (60 / base['library']):.2f}x one warm greendc.assess in series, "
          f"{assess_rate / per_task:.2f}x the workbench task in series (jobs {jobs})")
    if cpu:
        used = {k: cpu["end"][k] - cpu["start"][k] for k in cpu["end"]}
        span = cpu["seconds"] * (os.cpu_count() or 1)
        others = used["machine"] - used["clients"] - used["server"] - used["workers"]
        print(f"CPU seconds over the load phase ({cpu['seconds']:.0f} s x {os.cpu_count()} cores "
              f"= {span:.0f} s): machine busy {used['machine']:.0f}, of which worker processes "
              f"{used['workers']:.0f}, server process (event loop, dispatcher) "
              f"{used['server']:.0f}, the clients of this script {used['clients']:.0f}, other "
              f"processes {others:.0f}")
    print(f"\npage latency while the pool worked ({len(during)} requests from the first upload "
          f"to the last final state):\n")
    print("\n".join(latency_rows(during, {"JSON API pages": PAGE_KINDS["api"],
                                          "HTML /submissions": PAGE_KINDS["html"],
                                          "  GET /api/submissions": ("api_list",),
                                          "  GET /api/submissions/{id}": ("api_detail",),
                                          "POST /api/submissions (upload)": ("upload",)})))
    print("\nwhole run, logins included:\n")
    print("\n".join(latency_rows(run.samples, {k: (k,) for k in KINDS})))
    p95 = {label: percentile([s.seconds for s in during if s.kind in kinds], 95)
           for label, kinds in PAGE_KINDS.items()}
    goal = all(v < GOAL_P95_S for v in p95.values())
    print(f"\nissue 18 goal, pages within {GOAL_P95_S:.0f} s at the 95th percentile while the pool "
          f"works: JSON p95 {p95['api'] * 1000:.0f} ms, HTML p95 {p95['html'] * 1000:.0f} ms "
          f"-> {'MET' if goal else 'NOT MET'}")
    errors = Counter((s.kind, s.status, s.error[:80]) for s in run.samples
                     if s.status != EXPECTED_STATUS.get(s.kind, 200))
    for (kind, status, error), count in errors.most_common(10):
        print(f"  error: {count} x {kind} -> {status or error}")

    states = Counter(run.states.values())
    checks = {
        "every upload got an id": len(ids) == args.files and not run.refused,
        "none lost (reviewer lists exactly the uploads)": not api["missing"]
        and not api["extra"] and db["submissions"] == len(ids),
        "each has exactly one version, in a final state": not api["not_one_version"]
        and db["submissions_not_one_version"] == 0 and db["unfinished"] == 0,
        f"versions table: {args.files} rows, none queued/assessing, each record set":
            db["rows"] == args.files and db["unfinished"] == 0 and db["record_null"] == 0
            and db["assessed_null"] == 0,
        "one result folder per version, each record its own": db["result_folders_match"]
        and not db["record_id_mismatch"],
        "all done (none failed)": states.get("done", 0) == args.files,
        "no traceback in the server log": traceback_lines == 0,
    }
    print(f"\nchecks: uploads with an id {len(ids)} / {args.files}"
          f"{f' (refused: {run.refused[:5]})' if run.refused else ''}; reviewer lists "
          f"{api['listed']} (missing {api['missing'][:10]}, extra {api['extra'][:10]}) in "
          f"{api['reviewer_list_s'] * 1000:.0f} ms; API states {api['states']}; versions table "
          f"{db['rows']} rows {db['states']}, record null {db['record_null']}, distinct sha256 "
          f"{db['distinct_sha256']}, result folders {db['result_folders']}; failed codes "
          f"{db['failed_error_codes']}; server {server_end}, {traceback_lines} tracebacks "
          f"in its log")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    return all(checks.values())


# ------------------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200, help="workbooks uploaded in all")
    parser.add_argument("--clients", type=int, default=20,
                        help="concurrent enterprise users (the files shared among them)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes of the server [default: its own, one per core]")
    parser.add_argument("--think", type=float, default=0.5,
                        help="seconds a client waits between two rounds of page views")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="minutes the load phase (server start to every upload final) may "
                             "last; clients stop then")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "greendc-web-load-cache",
                        help="folder of generated workbooks, reused between runs")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data folder and the server log (their path is printed)")
    args = parser.parse_args(argv)
    if args.files < 1 or not 1 <= args.clients <= args.files:
        parser.error("need 1 <= --clients <= --files")
    exe = shutil.which("greendc", path=str(Path(sys.executable).parent)) or shutil.which("greendc")
    if exe is None:
        parser.error("the greendc command is not installed next to this Python")

    files, generated_s = prepare_workbooks(args.cache, args.files)
    print("baseline: one workbook assessed alone ...", flush=True)
    base = baseline(exe, files[0])
    jobs = args.jobs or os.cpu_count() or 1

    data = Path(tempfile.mkdtemp(prefix="greendc-web-load-"))
    log = data / "server.log"
    names, reviewer = add_accounts(exe, data, args.clients)
    port = free_port()
    t0 = time.perf_counter()
    server = start_server(exe, data, port, args.jobs, log)
    url = f"http://127.0.0.1:{port}"
    print(f"server on {url} (data {data}); {args.clients} clients uploading {args.files} files",
          flush=True)
    cpu_start, t_cpu = cpu_snapshot(server.pid), time.perf_counter()
    run = Run(expected=args.files, clients=args.clients, think=args.think,
              deadline=t0 + args.time_limit * 60, uploading=args.clients)
    shares = [files[i::args.clients] for i in range(args.clients)]  # 10 each by default
    try:
        threads = [threading.Thread(target=client, args=(url, name, share, run, i),
                                    name=f"client-{name}")
                   for i, (name, share) in enumerate(zip(names, shares, strict=True))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu_end = cpu_snapshot(server.pid)
        cpu = {"start": cpu_start, "end": cpu_end, "seconds": time.perf_counter() - t_cpu} \
            if cpu_start and cpu_end else None
        api = check_api(url, reviewer, set(run.states))
    finally:
        server_end = stop_server(server)
    db = check_database(data)
    ok = report(args, jobs, base, run, t0, api, db, server_end, log, generated_s, cpu)
    if args.keep:
        print(f"\ndata folder and server log kept: {data}")
    else:
        shutil.rmtree(data, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

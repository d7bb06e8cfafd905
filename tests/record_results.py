"""Record the JSON results greendc gives today, so that a change meant to keep behaviour can
prove it did (tests/test_recorded.py compares against these files).

Run from the repository root:  python tests/record_results.py
It rewrites tests/data/recorded/: for every file of the ingest corpus and the fault corpus, the
result of ``greendc.assess`` (or the error it raises) and of ``check_file`` (what ``greendc
validate`` reports); and the demo's result.json (hourly and 15-minute data) written by the CLI.
Re-record only when a change of results is intended, and say which in the commit message.

Only the public surface is used (``greendc.assess``, ``greendc.validation.check_file``, the
``greendc demo`` command), so the same script serves before and after a restructure.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "recorded"
SOURCES = {"corpus": HERE / "data" / "corpus", "hostile": HERE / "data" / "hostile"}
DEMO_FREQS = ("1h", "15min")


def normalise(result: dict) -> dict:
    """A result without what differs between runs: the time and the folder it was read from."""
    result = dict(result)
    result.pop("generated_at", None)
    if isinstance(result.get("input"), dict):
        result["input"] = {**result["input"], "path": Path(result["input"]["path"]).name}
    return result


def outcome(path: Path) -> dict:
    """What greendc makes of one file: the assessment's JSON or the error it raises, and the
    findings of ``check_file``."""
    from greendc import GreenDCError, assess
    from greendc.validation import check_file

    try:
        assessed = {"result": normalise(assess(path).to_dict())}
    except GreenDCError as exc:
        assessed = {"error": {"type": type(exc).__name__, "text": str(exc),
                              "code": getattr(exc, "code", None)}}
    check = check_file(path).to_dict()
    check["file"] = path.name
    return {**assessed, "check": check}


def demo_result(freq: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "greendc.cli", "demo", "--out", folder,
                        "--freq", freq], check=True, capture_output=True)
        result = normalise(json.loads(Path(folder, "result.json").read_text(encoding="utf-8")))
    result["input"].pop("sha256")  # the demo workbook's bytes carry the time it was written
    return result


def recordings() -> dict[str, Callable[[], dict]]:
    """Recording name -> a function giving its value: one per corpus, one per demo frequency."""
    out = {}
    for corpus, folder in SOURCES.items():
        paths = sorted(p for p in folder.iterdir() if p.name != "expected.json")
        out[corpus] = lambda paths=paths: {p.name: outcome(p) for p in paths}
    for freq in DEMO_FREQS:
        out[f"demo-{freq}"] = lambda freq=freq: demo_result(freq)
    return out


def path_for(name: str) -> Path:
    return OUT / f"{name}.json.gz"


def dump(value: dict) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    return gzip.compress(text.encode("utf-8"), mtime=0)


def load(name: str) -> dict:
    return json.loads(gzip.decompress(path_for(name).read_bytes()))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, record in recordings().items():
        path_for(name).write_bytes(dump(record()))
    print(f"recorded {', '.join(recordings())} in {OUT}")


if __name__ == "__main__":
    main()

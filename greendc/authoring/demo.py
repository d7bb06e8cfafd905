"""The demo: write the synthetic Zhangjiakou facility's submission and assess it."""

from __future__ import annotations

from pathlib import Path

from greendc.assessment import Assessment, assess
from greendc.authoring.synthetic import write_demo_submission
from greendc.report.html import write_html


def run_demo(out_dir: str | Path, *, freq: str = "15min",
             lang: str = "zh") -> tuple[Assessment, dict[str, Path]]:
    """Write ``submission.xlsx``, ``report.html`` and ``result.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    submission = write_demo_submission(out_dir / "submission.xlsx", freq=freq, lang=lang)
    assessment = assess(submission)
    if not assessment.ok:  # the generator is ours: an error here is a bug, not bad input
        raise RuntimeError(f"demo submission failed validation: {assessment.error()}")
    data = assessment.to_dict()
    report = write_html(assessment, out_dir / "report.html", lang, result=data)
    result = assessment.write_json(out_dir / "result.json", data)
    return assessment, {"submission": submission, "report": report, "result": result}

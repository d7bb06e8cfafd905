"""Batch outputs: each file's report and JSON, and the batch's summary, error list and overview.

Every file is written atomically (a temporary file renamed into place), so a batch that is
killed never leaves half a report.  Text from submissions is written so that no spreadsheet
program reads it as a formula.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from greendc.findings import Place
from greendc.reference.messages import message
from greendc.report.excel import safe_text
from greendc.report.overview import flag_text, render_index

RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
            *(f"lpt{i}" for i in range(1, 10))}


def safe_name(name: str, sha256: str) -> str:
    """A file name derived from an input's name: no folders, no reserved names, no clashes."""
    stem = re.sub(r"[^\w.-]+", "_", name.replace("!", "_"), flags=re.UNICODE).strip("._")
    stem = stem[:80] or "submission"
    if stem.split(".")[0].lower() in RESERVED:
        stem = "_" + stem
    return f"{stem}-{sha256[:10]}"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(result: Any, lang: str) -> None:
    """``summary.xlsx``, ``errors.csv`` and ``index.html`` of a batch result, written atomically.

    Parameters
    ----------
    result : the :class:`~greendc.batch.run.BatchResult`
    lang : language of the overview page
    """
    out = result.out
    packs = sorted({p for r in result.records for p in r["verdicts"]})
    _write_summary(out / "summary.xlsx", result.records, packs, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([message(f"batch_files.{k}", lang)
                     for k in ("file", "sha256", "code", "place", "message", "detail")])
    log = []
    for r in result.records:
        for e in r["errors"]:
            writer.writerow([safe_text(r["name"]), r["sha256"], e["code"],
                             safe_text(place_text(e.get("place"), lang)),
                             safe_text(e["message"]), safe_text(e.get("detail", ""))])
            if e.get("detail"):
                log.append(f"{r['name']} ({r['sha256'][:12]}): {e['message']}\n{e['detail']}")
    atomic_write(out / "errors.csv", buffer.getvalue().encode("utf-8-sig"))
    if log:
        with open(out / "batch.log", "a", encoding="utf-8") as stream:
            stream.write("\n".join(log) + "\n")
    atomic_write(out / "index.html", render_index(result, packs, lang).encode("utf-8"))


def _write_summary(path: Path, records: list[dict[str, Any]], packs: list[str],
                   lang: str) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    ws = book.add_worksheet("summary")
    head = book.add_format({"bold": True, "bg_color": "#DCEBDD", "border": 1, "text_wrap": True})
    def word(key: str) -> str:
        return message(f"batch_files.{key}", lang)

    def verdict(value: str | None) -> str | None:
        return message(f"verdict.{value}", lang) if value else None

    headers = [word("file"), "sha256", word("facility"), word("operator"), word("city"),
               word("status"), "PUE", word("grade"), *packs, word("savings"), word("flags"),
               word("problems"), word("report")]
    ws.write_row(0, 0, headers, head)
    for i, r in enumerate(records, start=1):
        problems = [problem_text(p, lang) for p in (r["top_findings"] if r["status"] == "valid"
                                                    else r["errors"])]
        values = [r["name"], r["sha256"], r["facility"], r["operator"], r["city"],
                  message(f"label.status.{r['status']}", lang), r["pue"], r["grade"],
                  *[verdict(r["verdicts"].get(p)) for p in packs], r["savings_kwh"],
                  "; ".join(flag_text(f, lang) for f in r.get("flags", [])), " | ".join(problems)]
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(i, c, value)
            else:
                ws.write_string(i, c, safe_text(value))
        if r.get("report"):
            ws.write_url(i, len(values), f"external:reports/{r['report']}",
                         string=safe_text(r["report"]))
    last = len(records)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(last, 1), len(headers) - 1)
    good = book.add_format({"font_color": "#2f7d4f"})
    bad = book.add_format({"font_color": "#b3261e", "bold": True})
    warn = book.add_format({"font_color": "#8a5a00"})
    first_pack, last_pack = 8, 8 + len(packs) - 1
    for col_from, col_to in ((5, 5), (first_pack, last_pack)):
        if col_to < col_from or last == 0:
            continue
        for text, fmt in ((verdict("pass"), good), (message("label.status.valid", lang), good),
                          (verdict("fail"), bad), (message("label.status.invalid", lang), bad),
                          (verdict("insufficient_data"), warn), (verdict("conditional"), warn),
                          (verdict("declared"), warn)):
            ws.conditional_format(1, col_from, last, col_to, {
                "type": "text", "criteria": "begins with", "value": text, "format": fmt})
    for c, width in enumerate([36, 18, 30, 30, 12, 9, 8, 7] + [14] * len(packs)
                              + [14, 30, 70, 30]):
        ws.set_column(c, c, width)
    book.close()
    atomic_write(path, buffer.getvalue())


def place_text(place: dict[str, Any] | str | None, lang: str) -> str:
    """A stored place (its JSON form) in words."""
    if not place:
        return ""
    if isinstance(place, str):  # a record from an older registry
        return place
    return Place.from_dict(place).describe(lang)


def problem_text(problem: dict[str, Any] | str, lang: str) -> str:
    """A stored finding or error as one line: place and message."""
    if isinstance(problem, str):
        return problem
    where = place_text(problem.get("place"), lang)
    return f"{where}: {problem['message']}" if where else problem["message"]

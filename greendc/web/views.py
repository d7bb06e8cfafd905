"""What the workbench's pages show, prepared from the stored records: a submission's versions
with their problems located and their recognised columns, and the reviewer's queue as a batch
overview and summary workbook."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from greendc.batch.outputs import place_text, write_outputs
from greendc.reference.columns import columns as column_roles
from greendc.reference.messages import message
from greendc.web import store


def artefact(bench, submission_id: int, version: str | None, name: str) -> Path | None:
    """A version's stored file ``name`` (the latest assessed version unless ``version`` is
    given), or None when there is none."""
    rows = store.versions(bench.db, submission_id)
    if version:
        rows = [r for r in rows if str(r["number"]) == str(version)]
    for row in reversed(rows):
        path = bench.data / "results" / str(row["id"]) / name
        if path.exists():
            return path
    return None


def _columns(columns: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Each recognised role: its name in ``lang``, the header, sheet and column, the unit."""
    roles = column_roles()
    out = []
    for role, entry in (columns or {}).items():
        if not isinstance(entry, dict):
            continue
        spec = roles.get(role)
        name = getattr(spec, lang, None) if spec is not None and not isinstance(spec, dict) \
            else (spec or {}).get(lang)
        out.append({"role": name or role, "header": str(entry.get("header") or ""),
                    "where": f"{entry.get('sheet') or ''} {entry.get('column') or ''}".strip(),
                    "unit": str(entry.get("unit") or "")})
    return out


def _problems(entries: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    return [{"code": e["code"], "severity": e.get("severity", "error"),
             "place": place_text(e.get("place"), lang),
             "message": (e["message"].get(lang) if isinstance(e["message"], dict)
                         else str(e["message"]))} for e in entries]


def submission_view(bench, row: sqlite3.Row, lang: str) -> dict[str, Any]:
    """The detail page's versions (newest first) and reviews."""
    versions = []
    for v in reversed(store.versions(bench.db, row["id"])):
        record = v["record"] or {}
        versions.append({
            "number": v["number"], "filename": v["filename"], "uploaded": v["uploaded"],
            "state": v["state"], "state_text": message(f"web.state.{v['state']}", lang),
            "valid": record.get("status") == "valid", "pue": record.get("pue"),
            "grade": record.get("grade"), "verdicts": record.get("verdicts") or {},
            "errors": _problems(record.get("errors") or [], lang),
            "warnings": _problems([f for f in record.get("findings") or []
                                   if f.get("severity") == "warning"], lang),
            "columns": _columns(record.get("columns") or {}, lang),
            "has_report": bool((record.get("outputs") or {}).get(f"full_{lang}"))})
    reviews = [{"status": message(f"web.status.{r['status']}", lang), "comment": r["comment"],
                "reviewer": r["reviewer_name"], "at": r["at"]}
               for r in store.reviews(bench.db, row["id"])]
    pending = any(v["state"] in ("queued", "assessing") for v in versions)
    return {"versions": versions, "reviews": reviews, "pending": pending,
            "status": message(f"web.status.{row['status']}", lang)}


def queue_outputs(bench, rows: list[sqlite3.Row], lang: str) -> Path:
    """The batch overview (``index.html``) and ``summary.xlsx`` over the queue's latest assessed
    versions, written to a fresh folder; returns it."""
    from greendc.batch.run import BatchResult

    records = []
    for row in rows:
        done = [v for v in store.versions(bench.db, row["id"]) if v["record"]]
        if not done:
            continue
        version, record = done[-1], done[-1]["record"]
        records.append({
            "name": f"#{row['id']} {version['filename']}", "sha256": version["sha256"],
            "status": record.get("status", "invalid"), "facility": record.get("facility"),
            "operator": None, "city": record.get("city"), "credit_code": None,
            "pue": record.get("pue"), "grade": record.get("grade"),
            "verdicts": record.get("verdicts") or {}, "savings_kwh": None,
            "top_findings": [{**f, "message": f["message"].get(lang, "")}
                             for f in (record.get("findings") or [])
                             if f.get("severity") == "warning"][:3],
            "errors": [{**e, "message": e["message"].get(lang, "")}
                       for e in record.get("errors") or []],
            "report": str(row["id"]) if record.get("status") == "valid" else None,
            "provisional": False, "period": None})
    folder = Path(tempfile.mkdtemp(prefix="queue-"))
    (folder / "reports").mkdir()
    write_outputs(BatchResult(folder, 0, records, 0, 0.0), lang)
    return folder

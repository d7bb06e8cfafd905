"""Excel export of one assessment: sheets a reviewer can filter.

Written from the assessment's JSON dictionary, like the HTML report.  Every text cell that comes
from the submission is written as text and, when it begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, prefixed with a quote character, so that no spreadsheet program ever reads
it as a formula (CSV/formula injection).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from greendc.assessment import Assessment
from greendc.reference.messages import message
from greendc.report.savings import choice_text
from greendc.report.views import metric_label

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Text that no spreadsheet program will treat as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def write_xlsx(assessment: Assessment, path: str | Path, lang: str = "zh",
               result: dict[str, Any] | None = None) -> Path:
    """Write the assessment as an .xlsx workbook with one filterable sheet per topic;
    ``result`` is ``assessment.to_dict()`` when the caller already has it."""
    import xlsxwriter

    path = Path(path)
    result = result if result is not None else assessment.to_dict()
    buffer = io.BytesIO()  # built in memory: a path that cannot be written fails as OSError
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False,
                                        "strings_to_numbers": False})
    head = book.add_format({"bold": True, "bg_color": "#DCEBDD", "border": 1, "text_wrap": True})

    def t(key: str) -> str:
        return message(f"export.{key}", lang)

    def sheet(name: str, headers: list[str], rows: list[list[Any]], widths: list[int]):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, headers, head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, safe_text(value))
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        ws.freeze_panes(1, 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(headers) - 1)
        return ws

    facility = result["facility"]
    summary = [[t("facility"), facility.get("facility_name") or assessment.facility_name],
               [t("operator"), facility.get("operator")], [t("city"), facility.get("city")],
               [t("period"), f"{result['period']['start']} – {result['period']['end']}"],
               [t("file"), result["input"]["name"]], ["SHA-256", result["input"]["sha256"]],
               ["greendc", result["greendc_version"]]]
    summary += [[f"{c['pack']} {c['version']}", message(f"verdict.{c['verdict']}", lang)
                 + (f" · {c['grade']}" if c["grade"] else "")] for c in result["criteria"]]
    sheet(t("summary"), [t("item"), t("value")], summary, [36, 70])
    sheet(t("metrics"), [t("metric"), t("value"), t("unit"), t("reason"), t("basis")],
          [[metric_label(k, m, lang), m["value"], m["unit"], m.get("reason"),
            json.dumps(m["basis"], ensure_ascii=False, default=str)]
           for k, m in result["metrics"].items()], [34, 16, 12, 40, 80])
    keys = list(result["monthly"][0]) if result["monthly"] else []
    sheet(t("monthly"), keys, [[m[k] for k in keys] for m in result["monthly"]],
          [10] + [16] * (len(keys) - 1))
    findings = [[f["severity"], f["code"], f["place"]["sheet"], f["place"]["row"]
                 or ", ".join(map(str, f["place"]["rows"])), f["place"]["column"],
                 f["message"][lang]] for f in result["errors"] + result["findings"]]
    sheet(t("findings"), [t("severity"), t("code"), t("sheet"), t("row"), t("column"),
                          t("message")], findings, [10, 24, 16, 16, 30, 90])
    criteria = [[c["pack"], f["rule"], f["title"][lang], f["kind"], f["verdict"],
                 f["observed"] if not isinstance(f["observed"], list) else str(f["observed"]),
                 f["required"] if not isinstance(f["required"], list) else str(f["required"]),
                 f["margin"], f["score"], (f["hint"] or f["reason"] or {}).get(lang),
                 f["source"].get("document"), f["confidence"]]
                for c in result["criteria"] for f in c["findings"]]
    sheet(t("criteria"), [t("pack"), t("rule"), t("title"), t("kind"), t("verdict"),
                          t("observed"), t("required"), t("margin"), t("score"), t("hint"),
                          t("source"), t("confidence")], criteria,
          [18, 24, 40, 10, 14, 12, 12, 10, 8, 60, 60, 12])
    measures = [[m["technology"], m["method"], m["kwh"],
                 (m.get("uncertainty") or {}).get("kwh_68"),
                 (m.get("uncertainty") or {}).get("kwh_90"), m["kwh_low"], m["kwh_high"],
                 m["declared_kwh"], m.get("declared_flag"), m.get("tce"), m.get("tco2"),
                 m.get("cny"), m.get("payback_years"), choice_text(m.get("choice"), lang),
                 "; ".join(m["notes"])]
                for m in (result.get("savings") or {}).get("measures", [])]
    sheet(t("savings"), [t("technology"), t("method"), "kWh/a", "± kWh/a (68 %)",
                         "± kWh/a (90 %)", "kWh/a low", "kWh/a high", t("declared"), t("flag"),
                         "tce", "tCO2", "CNY/a", t("payback"), t("choice"), t("notes")],
          measures, [34, 16, 14, 14, 14, 14, 14, 14, 8, 10, 10, 12, 10, 60, 80])
    book.close()
    path.write_bytes(buffer.getvalue())
    return path

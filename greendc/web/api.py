"""The JSON API beside the pages, for programs.

``POST /api/login`` {"username", "password"} returns {"token"}; every other call carries
``Authorization: Bearer TOKEN`` (a missing or bad token: 401).  A submission the caller may not
see is 404, exactly as one that does not exist.  ``GET /api/submissions/{id}`` returns the
status and, once assessed, the result JSON (docs/result-schema.md).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from greendc.reference.messages import message
from greendc.reference.settings import setting
from greendc.web import store
from greendc.web.context import api_user
from greendc.web.security import check_user_password, login_blocked, login_failed
from greendc.web.submit import UploadRefused, body_too_large, receive
from greendc.web.worker import read_result


def _problem(status: int, key: str, **values: Any) -> JSONResponse:
    return JSONResponse({"error": key, "message": {lang: message(f"web.{key}", lang, **values)
                                                   for lang in ("zh", "en")}},
                        status_code=status)


MAX_JSON = 64 * 1024  # bytes: a login or a review is a few hundred


async def _json(request: Request) -> dict | None:
    """The request's JSON object, or None when it is not one or is larger than MAX_JSON."""
    try:
        if int(request.headers.get("content-length", "0")) > MAX_JSON:
            return None
    except ValueError:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON:
            return None
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _unauthorised() -> JSONResponse:
    response = _problem(401, "unauthorised")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def login(request: Request) -> Response:
    bench = request.app.state.bench
    body = await _json(request)
    if body is None:
        return _problem(400, "bad_json")
    name, password = str(body.get("username", "")), str(body.get("password", ""))
    address = request.client.host if request.client else "-"
    if login_blocked(bench.db, name, address):
        store.log(bench.db, name, "login_blocked", address, "api")
        return _problem(429, "login_blocked")
    row = store.user_by_name(bench.db, name)
    ok = await run_in_threadpool(check_user_password, row, password)
    if not ok:
        login_failed(bench.db, name, address)
        store.log(bench.db, name, "login_failed", address, "api")
        return _unauthorised()
    token, _ = store.new_session(bench.db, row["id"], "api",
                                 float(setting("web", "api_token_hours")))
    store.log(bench.db, name, "login", address, "api")
    return JSONResponse({"token": token})


def _summary(row) -> dict[str, Any]:
    return {"id": row["id"], "status": row["status"], "org": row["org"],
            "facility": row["facility"], "city": row["city"], "pue": row["pue"],
            "verdict": row["verdict"], "updated": row["updated"]}


async def submissions(request: Request) -> Response:
    user = api_user(request)
    if user is None:
        return _unauthorised()
    bench = request.app.state.bench
    if request.method == "GET":
        return JSONResponse([_summary(r) for r in store.list_submissions(bench.db, user)])
    if user["role"] != "enterprise":
        return _problem(403, "enterprise_only")
    if body_too_large(request, bench):
        return _problem(413, "upload_too_large", limit=bench.options.limits["max_file_mb"])
    async with request.form(max_files=1, max_fields=10) as form:
        try:
            submission_id, _ = await receive(bench, user, form.get("file"))
        except UploadRefused as refused:
            return _problem(refused.status, refused.key[4:], **refused.values)
    row = store.get_submission(bench.db, submission_id)
    return JSONResponse({"id": submission_id, "status": row["status"]}, status_code=201)


def _visible_submission(request: Request) -> tuple[Any, Any, Response | None]:
    """(user, submission, None) for a bearer of a valid token who may see the submission of the
    path; else a 401 or a 404 as the third item."""
    user = api_user(request)
    if user is None:
        return None, None, _unauthorised()
    row = store.get_submission(request.app.state.bench.db, int(request.path_params["id"]))
    if not store.visible(user, row):
        return user, None, _problem(404, "not_found")
    return user, row, None


async def submission(request: Request) -> Response:
    _, row, refusal = _visible_submission(request)
    if refusal is not None:
        return refusal
    bench = request.app.state.bench
    versions = store.versions(bench.db, row["id"])
    latest = versions[-1] if versions else None
    body = {**_summary(row), "state": latest["state"] if latest else None,
            "versions": [{"number": v["number"], "state": v["state"], "filename": v["filename"],
                          "uploaded": v["uploaded"],
                          "errors": (v["record"] or {}).get("errors") or []}
                         for v in versions],
            "reviews": [{"status": r["status"], "comment": r["comment"], "at": r["at"],
                         "reviewer": r["reviewer_name"]}
                        for r in store.reviews(bench.db, row["id"])],
            "result": read_result(bench.data, latest["id"]) if latest else None}
    return JSONResponse(body)


async def review(request: Request) -> Response:
    user, row, refusal = _visible_submission(request)
    if refusal is not None:
        return refusal
    bench = request.app.state.bench
    if user["role"] not in ("reviewer", "admin"):
        return _problem(403, "reviewer_only")
    body = await _json(request)
    if body is None:
        return _problem(400, "bad_json")
    status = body.get("status")
    if status not in store.STATUSES[1:]:
        return _problem(400, "bad_status")
    comment = str(body.get("comment") or "")[:4000]
    store.review(bench.db, row["id"], user["id"], status, comment)
    store.log(bench.db, user["name"], "review", f"submission {row['id']}", f"{status} (api)")
    return JSONResponse({"id": row["id"], "status": status})


ROUTES = [
    Route("/api/login", login, methods=["POST"]),
    Route("/api/submissions", submissions, methods=["GET", "POST"]),
    Route("/api/submissions/{id:int}", submission),
    Route("/api/submissions/{id:int}/review", review, methods=["POST"]),
]

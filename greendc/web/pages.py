"""The workbench's pages: plain HTML forms, no script, in zh and en.

Every page asks who is logged in and every submission route asks :func:`store.visible`; a
submission the user may not see is answered exactly like one that does not exist (404).
"""

from __future__ import annotations

import secrets
import shutil
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from greendc.batch.outputs import atomic_write
from greendc.reference.messages import message
from greendc.reference.settings import setting
from greendc.web import store
from greendc.web.context import COOKIE, LOGIN_CSRF_COOKIE, api_user, lang_of, page_user, render
from greendc.web.security import (
    check_user_password,
    login_blocked,
    login_failed,
    same_token,
    security_headers,
)
from greendc.web.submit import UploadRefused, body_too_large, receive
from greendc.web.views import artefact, queue_outputs, submission_view

FILTERS = ("status", "city", "verdict", "programme", "pue_min", "pue_max")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _fields(request: Request) -> dict[str, str]:
    """A form's text fields (any file in it closed at once)."""
    async with request.form(max_files=0, max_fields=20) as form:
        return {key: value for key, value in form.items() if isinstance(value, str)}


def _error(request: Request, status: int, key: str, user=None, **values: Any) -> Response:
    text = message(f"web.{key}", lang_of(request), **values)
    return render(request, "error.html.j2", status=status, user=user, text=text)


async def home(request: Request) -> Response:
    return _redirect("/submissions" if page_user(request) else "/login")


async def login(request: Request) -> Response:
    bench = request.app.state.bench
    if request.method == "GET":
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html.j2", csrf=token, problem=None)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
        return response
    form = await _fields(request)
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf")):
        return _error(request, 403, "csrf_refused")
    name, password = str(form.get("username", "")), str(form.get("password", ""))
    address = request.client.host if request.client else "-"
    if login_blocked(bench.db, name, address):
        store.log(bench.db, name, "login_blocked", address)
        return _error(request, 429, "login_blocked")
    row = store.user_by_name(bench.db, name)
    ok = await run_in_threadpool(check_user_password, row, password)
    if not ok:
        login_failed(bench.db, name, address)
        store.log(bench.db, name, "login_failed", address)
        return render(request, "login.html.j2", status=401, csrf=form.get("csrf"),
                      problem=message("web.login_wrong", lang_of(request)))
    token, _ = store.new_session(bench.db, row["id"], "cookie",
                                 float(setting("web", "session_hours")))
    store.log(bench.db, name, "login", address)
    response = _redirect("/submissions")
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


async def logout(request: Request) -> Response:
    user = page_user(request)
    form = await _fields(request)
    if user is None or not same_token(user["csrf"], form.get("csrf")):
        return _error(request, 403, "csrf_refused")
    store.end_session(request.app.state.bench.db, request.cookies.get(COOKIE))
    store.log(request.app.state.bench.db, user["name"], "logout")
    response = _redirect("/login")
    response.delete_cookie(COOKIE)
    return response


def _filters(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in FILTERS:
        value = request.query_params.get(key, "").strip()
        if not value:
            continue
        if key.startswith("pue_"):
            try:
                out[key] = float(value)
            except ValueError:
                continue
        else:
            out[key] = value
    return out


async def _upload(request: Request, user, submission_id: int | None
                  ) -> tuple[int | None, Response | None]:
    """The upload form of a new submission (``submission_id`` None) or a new version: (the
    submission's id, None), or (None, the refusal page)."""
    bench = request.app.state.bench
    if body_too_large(request, bench):
        return None, _error(request, 413, "upload_too_large", user,
                            limit=bench.options.limits["max_file_mb"])
    async with request.form(max_files=1, max_fields=10) as form:
        if not same_token(user["csrf"], form.get("csrf")):
            return None, _error(request, 403, "csrf_refused", user)
        if user["role"] != "enterprise":
            return None, _error(request, 403, "enterprise_only", user)
        try:
            submission_id, _ = await receive(bench, user, form.get("file"), submission_id)
        except UploadRefused as refused:
            return None, _error(request, refused.status, refused.key[4:], user,
                                **refused.values)
    return submission_id, None


async def submissions(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return _redirect("/login")
    bench = request.app.state.bench
    if request.method == "POST":
        submission_id, refusal = await _upload(request, user, None)
        if refusal is not None:
            return refusal
        return _redirect(f"/submissions/{submission_id}")
    filters = _filters(request)
    rows = store.list_submissions(bench.db, user, filters)
    return render(request, "list.html.j2", user=user, rows=rows, filters=filters,
                  statuses=store.STATUSES)


def _visible(request: Request, user) -> Any:
    bench = request.app.state.bench
    row = store.get_submission(bench.db, int(request.path_params["id"]))
    return row if user is not None and store.visible(user, row) else None


def _own_submission(request: Request) -> tuple[Any, Any, Response | None]:
    """(user, submission, None) when a logged-in user may see the submission of the path;
    else a redirect to the login page or a 404 as the third item."""
    user = page_user(request)
    if user is None:
        return None, None, _redirect("/login")
    row = _visible(request, user)
    if row is None:
        return user, None, _error(request, 404, "not_found", user)
    return user, row, None


async def submission(request: Request) -> Response:
    user, row, refusal = _own_submission(request)
    if refusal is not None:
        return refusal
    view = submission_view(request.app.state.bench, row, lang_of(request))
    return render(request, "detail.html.j2", user=user, s=row, view=view,
                  statuses=store.STATUSES[1:])


async def new_version(request: Request) -> Response:
    user, row, refusal = _own_submission(request)
    if refusal is not None:
        return refusal
    _, refusal = await _upload(request, user, row["id"])
    if refusal is not None:
        return refusal
    return _redirect(f"/submissions/{row['id']}")


async def review(request: Request) -> Response:
    user, row, refusal = _own_submission(request)
    if refusal is not None:
        return refusal
    form = await _fields(request)
    if not same_token(user["csrf"], form.get("csrf")):
        return _error(request, 403, "csrf_refused", user)
    if user["role"] not in ("reviewer", "admin"):
        return _error(request, 403, "reviewer_only", user)
    status, comment = str(form.get("status", "")), str(form.get("comment", ""))[:4000]
    if status not in store.STATUSES[1:]:
        return _error(request, 400, "bad_status", user)
    bench = request.app.state.bench
    store.review(bench.db, row["id"], user["id"], status, comment)
    store.log(bench.db, user["name"], "review", f"submission {row['id']}", status)
    return _redirect(f"/submissions/{row['id']}")


async def report(request: Request) -> Response:
    user = page_user(request) or api_user(request)
    row = _visible(request, user)
    if row is None:
        return _error(request, 404, "not_found", user)
    kind = request.query_params.get("kind", "full")
    name = f"{'eligibility' if kind == 'eligibility' else 'full'}.{lang_of(request)}.html"
    path = artefact(request.app.state.bench, row["id"], request.query_params.get("version"),
                    name)
    if path is None:
        return _error(request, 404, "no_report", user)
    response = FileResponse(path, media_type="text/html; charset=utf-8")
    response.headers.update(security_headers(report=True))
    return response


async def export(request: Request) -> Response:
    user = page_user(request)
    row = _visible(request, user)
    if row is None:
        return _error(request, 404, "not_found", user)
    lang = lang_of(request)
    bench = request.app.state.bench
    version = request.query_params.get("version")
    if request.url.path.endswith(".xlsx"):
        path = artefact(bench, row["id"], version, f"export.{lang}.xlsx")
        if path is None:
            return _error(request, 404, "no_report", user)
        return FileResponse(path, filename=f"greendc-{row['id']}-{lang}.xlsx")
    html = artefact(bench, row["id"], version, f"full.{lang}.html")
    if html is None:
        return _error(request, 404, "no_report", user)
    pdf = html.with_suffix(".pdf")
    if not pdf.exists():
        from greendc.errors import GreenDCError
        from greendc.report.pdf import render_pdf

        try:
            data = await run_in_threadpool(render_pdf, None, lang,
                                           html=html.read_text(encoding="utf-8"))
        except GreenDCError as exc:
            return _error(request, 501, "pdf_unavailable", user, reason=str(exc))
        atomic_write(pdf, data)
    return FileResponse(pdf, filename=f"greendc-{row['id']}-{lang}.pdf")


async def template(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return _redirect("/login")
    from greendc.authoring.template import write_submission

    lang = lang_of(request)
    path = request.app.state.bench.data / "templates" / f"greendc-template-{lang}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        await run_in_threadpool(write_submission, path, lang=lang)
    return FileResponse(path, filename=path.name)


async def queue(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return _redirect("/login")
    if user["role"] not in ("reviewer", "admin"):
        return _error(request, 403, "reviewer_only", user)
    lang = lang_of(request)
    rows = store.list_submissions(request.app.state.bench.db, user, _filters(request))
    folder = await run_in_threadpool(queue_outputs, request.app.state.bench, rows, lang)
    cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    if request.url.path.endswith("summary.xlsx"):
        return FileResponse(folder / "summary.xlsx", filename="summary.xlsx", background=cleanup)
    response = FileResponse(folder / "index.html", media_type="text/html; charset=utf-8",
                            background=cleanup)
    response.headers.update(security_headers(report=True))
    return response


async def queue_report(request: Request) -> Response:
    return _redirect(f"/submissions/{int(request.path_params['id'])}/report")


async def audit(request: Request) -> Response:
    user = page_user(request)
    if user is None:
        return _redirect("/login")
    if user["role"] not in ("reviewer", "admin"):
        return _error(request, 403, "reviewer_only", user)
    return render(request, "audit.html.j2", user=user,
                  rows=store.audit_log(request.app.state.bench.db))


ROUTES = [
    Route("/", home),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/submissions", submissions, methods=["GET", "POST"]),
    Route("/submissions/{id:int}", submission),
    Route("/submissions/{id:int}/versions", new_version, methods=["POST"]),
    Route("/submissions/{id:int}/review", review, methods=["POST"]),
    Route("/submissions/{id:int}/report", report),
    Route("/submissions/{id:int}/export.xlsx", export),
    Route("/submissions/{id:int}/report.pdf", export),
    Route("/template", template),
    Route("/queue/overview", queue),
    Route("/queue/summary.xlsx", queue),
    Route("/queue/reports/{id:int}", queue_report),
    Route("/audit", audit),
]

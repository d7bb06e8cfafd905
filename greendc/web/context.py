"""What the workbench's routes share: its state, who is asking, and how pages are rendered.

Pages authenticate by an HttpOnly session cookie (:func:`page_user`) and check a CSRF token on
every form; the API only by a bearer token (:func:`api_user`): a cookie never authorises an API
call, so a forged cross-site request has nothing to ride on.
"""

from __future__ import annotations

import sqlite3
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from greendc.reference.messages import message
from greendc.reference.options import Options
from greendc.web import store
from greendc.web.worker import Dispatcher

COOKIE = "greendc_session"
LANG_COOKIE = "greendc_lang"
LOGIN_CSRF_COOKIE = "greendc_login_csrf"
LANGS = ("zh", "en")


class Workbench:
    """What the routes share: the data folder, a connection per thread, the templates and the
    dispatcher."""

    def __init__(self, data: Path, options: Options, dispatcher: Dispatcher | None):
        self.data = Path(data)
        self.options = options
        self.dispatcher = dispatcher
        self._local = threading.local()
        (self.data / "uploads").mkdir(parents=True, exist_ok=True)
        (self.data / "results").mkdir(parents=True, exist_ok=True)
        store.open_store(self.data).close()
        loader = jinja2.FileSystemLoader(str(resources.files("greendc.templates") / "web"))
        self.env = jinja2.Environment(loader=loader, autoescape=True,
                                      undefined=jinja2.StrictUndefined)
        self.env.filters["when"] = when

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "db", None)
        if connection is None:
            connection = self._local.db = store.open_store(self.data)
        return connection


def when(stamp: str | None) -> str:
    """A stored UTC time as ``2026-11-28 15:56 UTC``."""
    if not stamp:
        return ""
    return stamp[:16].replace("T", " ") + " UTC"


def lang_of(request: Request) -> str:
    """The page language: ``?lang=``, then the language cookie, then zh."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGS else "zh"


def page_user(request: Request) -> sqlite3.Row | None:
    """The user of the request's session cookie, or None."""
    bench: Workbench = request.app.state.bench
    return store.session_user(bench.db, request.cookies.get(COOKIE), "cookie")


def api_user(request: Request) -> sqlite3.Row | None:
    """The user of the request's bearer token, or None (cookies do not count here)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    bench: Workbench = request.app.state.bench
    return store.session_user(bench.db, token.strip(), "api")


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page in the request's language; every string comes from ``web.*`` in the catalogue."""
    bench: Workbench = request.app.state.bench
    lang = lang_of(request)

    def t(key: str, **params: Any) -> str:
        return message(f"web.{key}", lang, **params)

    user = values.pop("user", None)
    html = bench.env.get_template(template).render(
        t=t, m=lambda key, **params: message(key, lang, **params), lang=lang,
        other="en" if lang == "zh" else "zh", user=user, path=request.url.path,
        **values)
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", httponly=True,
                            secure=request.url.scheme == "https")
    return response

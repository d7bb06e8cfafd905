"""The workbench application: :func:`create_app` over one data folder.

Routes live in :mod:`.pages` (HTML forms) and :mod:`.api` (JSON for programs), what they share
in :mod:`.context`.  Every response carries :func:`~greendc.web.security.security_headers`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

from greendc.reference.options import Options
from greendc.web import api, pages
from greendc.web.context import Workbench
from greendc.web.security import security_headers
from greendc.web.worker import Dispatcher


class Headers(BaseHTTPMiddleware):
    """Security headers on every response (a report's own policy is kept)."""

    async def dispatch(self, request: Request, call_next) -> Response:
        response = await call_next(request)
        for key, value in security_headers().items():
            response.headers.setdefault(key, value)
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def create_app(data: str | Path = "greendc-data", options: Options | None = None, *,
               worker: bool = True, jobs: int | None = None) -> Starlette:
    """The workbench over the data folder ``data``.

    Parameters
    ----------
    data : str or Path
        Folder of the registry database, the uploads (by content hash) and the results.
    options : Options or None
        Assessment options applied to every upload (criteria, limits ...).
    worker : bool
        Start the dispatcher that assesses uploads (tests may drive it themselves).
    jobs : int or None
        Worker processes (None: ``[web] jobs``).

    Returns
    -------
    Starlette
        The application; ``app.state.bench`` holds its :class:`Workbench`.
    """
    options = options or Options()
    dispatcher = Dispatcher(Path(data), options, jobs) if worker else None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if dispatcher is not None:
            dispatcher.start()
        yield
        if dispatcher is not None:
            dispatcher.stop()

    app = Starlette(routes=pages.ROUTES + api.ROUTES, lifespan=lifespan,
                    middleware=[Middleware(Headers)])
    app.state.bench = Workbench(Path(data), options, dispatcher)
    return app

"""The app factory: ``create_app(settings) -> FastAPI``.

FastAPI (on Starlette) gives typed request validation with a 422 that names the field, the
OpenAPI document schemathesis fuzzes, dependency injection for sessions and roles, and a
WebSocket server for the live coach, all from well-kept libraries instead of hand-written
plumbing. The app holds no logic of its own: routes call :mod:`glutecoach.store` and
:mod:`glutecoach.coaching`, background analysis runs :mod:`glutecoach.analysis`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import make_url
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from swagger_ui_bundle import swagger_ui_path
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from glutecoach.errors import InputError
from glutecoach.settings import Settings
from glutecoach.store import throttle
from glutecoach.store.db import Database, default_url
from glutecoach.store.web_sessions import purge_expired
from glutecoach.web.deps import CSRF_COOKIE, NotSignedIn
from glutecoach.web.templating import STATIC_DIR, in_words, render


def _open_database(settings: Settings) -> Database:
    url = settings.database_url or default_url()
    kwargs: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "sqlite":
        # Requests and analysis threads share the file: wait for the write lock, never fail.
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    return Database.open(url, **kwargs)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _wants_page(request: Request) -> bool:
    return not _is_api(request) and "application/json" not in request.headers.get("accept", "")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _wants_page(request):
            target = request.url.path
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return JSONResponse({"detail": "sign in first"}, status_code=401)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        field = getattr(exc, "field", None)
        if _wants_page(request):
            return render(request, "error.html", {"message": in_words(exc)}, status_code=422)
        return JSONResponse({"detail": str(exc), "field": field}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_page(request) and exc.status_code != 405:
            return render(
                request, "error.html", {"message": exc.detail}, status_code=exc.status_code
            )
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        reasons = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg', '')}"
            for e in errors
        ]
        if _wants_page(request):
            return render(request, "error.html", {"message": in_words(exc)}, 422)
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in errors
        ]
        return JSONResponse({"detail": detail, "reason": "; ".join(reasons)}, status_code=422)


# Everything the pages use comes from this origin: scripts and styles only from files under
# /static (no inline script or style, no eval), pictures and videos from the app, the live
# coach's WebSocket back to it, and no framing by other sites (clickjacking). 'self' covers
# ws:// and wss:// to the same host (CSP level 3).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
    "media-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'",
])
# The API docs page (FastAPI's Swagger UI page) has an inline script; its files are served
# from the swagger-ui-bundle package under /static/swagger, never from a CDN.
FASTAPI_OWN_PAGES = ("/docs",)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A configured app. ``settings`` default to :meth:`Settings.from_env`; tests pass their
    own (a temporary media folder and a throwaway database URL)."""
    from glutecoach.web import (
        api_account,
        api_analyses,
        api_appointments,
        api_auth,
        api_clinician,
        api_patient,
        live,
        pages,
        pages_clinician,
        pages_outcomes,
    )
    from glutecoach.web.jobs import JobRunner

    settings = settings or Settings.from_env()
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    settings.videos_dir.mkdir(parents=True, exist_ok=True)
    db = _open_database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with db.session_scope() as s:
            purge_expired(s)
            throttle.purge(s, older_than_s=max(settings.login_window_s, 3600))
        app.state.jobs.start()
        try:
            yield
        finally:
            app.state.jobs.stop()

    app = FastAPI(
        title="glutecoach",
        version="1",
        summary="Squat coaching for people with back and knee pain, and their clinic.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.signing_key = settings.signing_key()
    app.state.db = db
    app.state.jobs = JobRunner(db, settings)
    _install_error_handlers(app)

    @app.middleware("http")
    async def csrf_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # Refuse an oversized upload from its declared length, before reading the body.
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > settings.max_upload_bytes + 1024 * 1024:
            limit = settings.max_upload_bytes // (1024 * 1024)
            return JSONResponse({"detail": f"the upload is larger than {limit} MB"},
                                status_code=413)
        response = await call_next(request)
        token = getattr(request.state, "csrf", None)
        if token and request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(
                CSRF_COOKIE, token, httponly=True, samesite="strict",
                secure=settings.secure_cookies, path="/",
            )
        if not request.url.path.startswith("/static/"):
            # Pages and API answers hold health data: never kept by the browser or a proxy,
            # so Back after signing out shows nothing.
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith(FASTAPI_OWN_PAGES):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    if settings.trusted_proxies:
        # uvicorn's middleware: the client address from X-Forwarded-For, but only when the
        # peer is one of our proxies (anyone else could write any address there).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> Response:
        """Swagger UI for the JSON API, working offline."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="glutecoach API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        """For browsers and tools that ask for the icon at the conventional address."""
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    for module in (api_auth, api_account, api_patient, api_analyses, api_appointments,
                   api_clinician):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.include_router(pages_clinician.router)
    app.include_router(pages_outcomes.router)
    app.include_router(live.router)
    return app

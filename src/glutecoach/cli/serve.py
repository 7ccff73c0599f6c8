"""``glutecoach serve``: run the web app with uvicorn on the embedded defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from glutecoach.cli.errors import fail, settings
from glutecoach.settings import SettingsError


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for the network).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    database_url: Annotated[str | None, typer.Option(
        help="SQLAlchemy URL (default: GLUTECOACH_DATABASE_URL or the CLI's SQLite file).")] = None,
    media_dir: Annotated[Path | None, typer.Option(
        help="Folder for uploads and annotated videos (default: beside the database).")] = None,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Mark cookies Secure (behind HTTPS).")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Uploads analysed at once by this server (default: GLUTECOACH_ANALYSIS_WORKERS or 1).")] = None,
    ray: Annotated[str | None, typer.Option(
        "--ray", help="Analyse uploads on a Ray cluster: an address (HOST:6379), 'auto' or "
                      "'local' (default: local worker processes).")] = None,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy",
        help="Address or network of a reverse proxy whose X-Forwarded-For names the client "
             "(repeat for several; also GLUTECOACH_TRUSTED_PROXIES).")] = None,
) -> None:
    """Start the web app for patients and clinicians (http://HOST:PORT)."""
    import uvicorn

    from glutecoach.settings import proxy_list
    from glutecoach.web.app import create_app

    if not 0 < port < 65536:
        fail(f"--port must be 1-65535, got {port}")
    if workers is not None and workers < 1:
        fail(f"--workers must be 1 or more, got {workers}")
    changes: dict[str, object] = {}
    if secure_cookies:
        changes["secure_cookies"] = True
    if workers is not None:
        changes["analysis_workers"] = workers
    if ray:
        changes["ray_address"] = ray
    if trusted_proxy:
        try:
            changes["trusted_proxies"] = proxy_list(trusted_proxy)
        except ValueError as bad:
            fail(f"--trusted-proxy: {bad}")
    if database_url:
        changes["database_url"] = database_url
    if media_dir:
        changes["media_dir"] = media_dir
    try:
        app = create_app(settings().replace(**changes))
    except SettingsError as bad:
        fail(str(bad))
    typer.echo(f"glutecoach web app on http://{host}:{port} (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the main CLI."""
    app.command("serve")(serve)

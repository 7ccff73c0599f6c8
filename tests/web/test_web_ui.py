"""Page details a real user meets (issue 12): offline API docs, the icon, error messages in
words, forms that keep what was typed, plurals, buttons that say what they act on."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.web.testing import FETCH, PASSWORD, Users, csrf_from


def test_api_docs_work_offline(app: FastAPI) -> None:
    with TestClient(app) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r"""(?:src|href)=["']?([^"' >]+)""", page.text)
        assert "/static/swagger/swagger-ui-bundle.js" in assets
        assert "/static/swagger/swagger-ui.css" in assets
        assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
        assert "cdn" not in page.text.lower()
        for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css"):
            r = c.get(asset)
            assert r.status_code == 200 and len(r.content) > 10_000, asset
        assert c.get("/openapi.json").status_code == 200


def test_every_page_has_an_icon(app: FastAPI) -> None:
    with TestClient(app) as c:
        assert '<link rel="icon" href="/static/favicon.svg"' in c.get("/login").text
        for path in ("/static/favicon.svg", "/favicon.ico"):
            r = c.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg")

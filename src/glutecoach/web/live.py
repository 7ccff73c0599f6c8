"""Live coach: the /live page and the /ws/live WebSocket (filled in shortly)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

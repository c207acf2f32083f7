"""Figures of the descent chapter (each takes ax=None, returns the Axes, never shows)."""

from __future__ import annotations

__all__: list[str] = []

"""Interactive figures of the losses chapter (factories returning an InteractiveFigure)."""

from __future__ import annotations

__all__: list[str] = []

"""Interactive figures of the backprop chapter (factories returning an InteractiveFigure)."""

from __future__ import annotations

__all__: list[str] = []

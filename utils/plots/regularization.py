"""Figures for the regularization chapter (being written)."""

__all__: list[str] = []

"""Figures for the normalization chapter (being written)."""

__all__: list[str] = []

"""Interactive figures for the capstone chapter (being written)."""

__all__: list[str] = []

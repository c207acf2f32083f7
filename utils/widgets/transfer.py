"""Interactive figures for the transfer chapter (being written)."""

__all__: list[str] = []

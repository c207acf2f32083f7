"""Training runs, sweeps and model builders the chapters and widgets use."""

"""Command implementations kept out of the CLI module: plain functions with typer-annotated parameters,
registered in `emailiac.cli`."""

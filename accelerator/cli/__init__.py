"""The `accelerator` command-line tool (typer + rich)."""

from accelerator.cli.main import app, main

__all__ = ["app", "main"]

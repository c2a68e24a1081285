"""The CLI tests' fixtures (a store with a published challenge, Parkly in the accelerator),
shared by every CLI test module."""

from tests.cli.test_cli import accelerating, cli

__all__ = ["accelerating", "cli"]

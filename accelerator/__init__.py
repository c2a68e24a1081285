"""The accelerator programme tracker: composition root, runtimes and command-line tool."""

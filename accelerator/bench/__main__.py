"""`python -m accelerator.bench`: the same as `accelerator bench`."""

from accelerator.bench.cli import bench

bench(prog_name="python -m accelerator.bench")

"""`python -m accelerator.kafka <worker>`: one worker of the Kafka runtime, as `accelerator
worker <name>` runs it, without loading the CLI. The supervisor starts fourteen of these at
once on two cores, and the CLI's own imports (typer, rich, every command) were a third of each
one's start-up; its settings come from the ACCELERATOR_* variables the supervisor passes."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from accelerator.kafka.workers import WORKERS, run
from accelerator.settings import Settings


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in WORKERS:
        given = repr(" ".join(argv)) if argv else "none"
        print(f"name: must be one of {', '.join(WORKERS)} (got {given})", file=sys.stderr)
        return 2
    try:
        settings = Settings()
    except ValidationError as error:
        from accelerator.cli.output import validation_message

        print(validation_message(error), file=sys.stderr)
        return 2
    run(argv[0], settings.model_copy(update={"runtime": "kafka"}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""What must hold after the chaos, once the supervisors have healed everything."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accelerator import queries
from accelerator.kafka import connections
from accelerator.kafka.client import KafkaRuntime
from accelerator.kafka.messages import Reply
from events import CloudEvent
from events.payments import PaymentDisbursed
from services.rules import RULES


@dataclass
class Verdict:
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def judge(runtime: KafkaRuntime) -> Verdict:
    verdict = Verdict()
    log = runtime.history()
    verdict.counts["events"] = len(log)
    _once(verdict, log)
    _money(verdict, log)
    _answered_once(verdict, runtime)
    report = queries.rebuild(runtime)
    verdict.counts["startups"] = report.startups
    if not report.matches:
        verdict.failures += [f"read model: {line}" for line in report.differences[:10]]
    return verdict


def _once(verdict: Verdict, log: list[CloudEvent]) -> None:
    twice = [i for i, n in Counter(ce.id for ce in log).items() if n > 1]
    if twice:
        verdict.failures.append(f"{len(twice)} event ids on the log twice, e.g. {twice[0]}")
    versions = Counter((ce.stream, ce.streamversion) for ce in log)
    clashes = [k for k, n in versions.items() if n > 1]
    if clashes:
        verdict.failures.append(f"{len(clashes)} stream versions written twice, e.g. {clashes[0]}")


def _money(verdict: Verdict, log: list[CloudEvent]) -> None:
    disbursed = [ce for ce in log if ce.type == PaymentDisbursed.event_type()]
    per_payment = Counter(ce.data["payment_id"] for ce in disbursed)
    doubled = [p for p, n in per_payment.items() if n > 1]
    if doubled:
        verdict.failures.append(f"payments disbursed twice: {', '.join(doubled[:5])}")
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for ce in disbursed:
        paid[ce.subject] += Decimal(ce.data["amount"])
    over = [s for s, total in paid.items() if total > RULES.grant_cap]
    if over:
        verdict.failures.append(f"grants above EUR 10,000: {', '.join(over)}")
    verdict.counts["payments disbursed"] = len(disbursed)
    verdict.counts["EUR disbursed"] = int(sum(paid.values(), Decimal(0)))


def _answered_once(verdict: Verdict, runtime: KafkaRuntime) -> None:
    """Every accepted command has exactly one first answer; repeats say they are repeats."""
    reader = connections.consumer(runtime.settings)
    try:
        partitions = connections.assign_all(reader, [runtime.names.replies])
        replies = [Reply.model_validate_json(r.value) for r in connections.catch_up(reader, partitions)]
    finally:
        reader.close()
    accepted = Counter(r.command_id for r in replies if r.ok and r.events and not r.repeated)
    twice = [c for c, n in accepted.items() if n > 1]
    if twice:
        verdict.failures.append(f"{len(twice)} accepted commands answered twice, e.g. {twice[0]}")
    verdict.counts["replies"] = len(replies)
    verdict.counts["accepted commands"] = len(accepted)
    verdict.counts["repeated answers"] = sum(r.repeated for r in replies)

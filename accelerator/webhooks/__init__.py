"""Webhooks for partner cities without a Kafka consumer: each city's redacted feed, POSTed as
CloudEvents (structured mode) and signed per Standard Webhooks, retried, parked, replayable.

`secrets` (generate, seal), `signing` (the headers), `guard` (no SSRF), `tables` and `queue`
(the durable delivery queue, one per subscription), `sender` (one POST), `dispatcher` (every
subscription's queue at its own pace). The runtimes feed the queue: accelerator/embedded/
consumers.py from the `feed` table, accelerator/kafka/deliveries.py from the city topics.
"""

"""schemas/asyncapi.yaml (AsyncAPI 3.0) and the JSON Schemas it refers to, generated from code.

Every topic of the registry becomes a channel with its key, Kafka bindings and message
types; events refer to schemas/events/*.json (city topics to the redacted variants in
schemas/city/), commands to schemas/commands/*.json. `python -m accelerator.kafka.asyncapi`
writes them; `--check` fails when they are out of date; CI validates the document with the
AsyncAPI project's parser (tools/asyncapi/validate.mjs).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from accelerator.kafka.messages import COMMANDS, CommandMessage, DeadLetter, Reply
from events import CATALOGUE, Event
from events.schemas import BASE_URI, ROOT, stale_files, write_files
from events.topics import DLQ, FINANCE, REPLIES, Topic, registry
from services.kernel import Command
from services.routing import SERVICES, service_of, service_of_decider
from services.scheduler.commands import CheckDeadlines
from services.scheduler.domain import WATCHED

KAFKA_VERSION = "4.0.0"
BINDING = "0.5.0"


def _schema(model: type[Any], path: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URI}{path}",
        **model.model_json_schema(mode="validation"),
    }


def files() -> dict[Path, dict[str, Any]]:
    out = {
        ROOT / "messages" / f"{name}.json": _schema(model, f"messages/{name}.json")
        for name, model in (("command", CommandMessage), ("reply", Reply), ("deadletter", DeadLetter))
    }
    out |= {
        ROOT / "commands" / f"{name}.json": _schema(cls, f"commands/{name}.json")
        for name, cls in COMMANDS.items()
    }
    return out


def _event_message(cls: type[Event], for_city: bool = False) -> dict[str, Any]:
    folder = "city" if for_city and cls.private else "events"
    return {
        "name": cls.__name__,
        "title": f"{cls.__name__} ({cls.event_type()})",
        "contentType": "application/cloudevents+json",
        "bindings": {"kafka": {"key": {"type": "string"}, "bindingVersion": BINDING}},
        "payload": {
            "allOf": [
                {"$ref": "./cloudevent.json"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": cls.event_type()},
                        "data": {"$ref": f"./{folder}/{cls.event_type()}.json"},
                    },
                },
            ]
        },
    }


def _command_message(name: str, cls: type[Command]) -> dict[str, Any]:
    owner = "every deadline-checking" if cls is CheckDeadlines else f"the {service_of(cls)}"
    return {
        "name": name,
        "title": f"{name} command for {owner} service",
        "contentType": "application/json",
        "bindings": {"kafka": {"key": {"type": "string"}, "bindingVersion": BINDING}},
        "payload": {
            "allOf": [
                {"$ref": "./messages/command.json"},
                {
                    "type": "object",
                    "properties": {"type": {"const": name}, "data": {"$ref": f"./commands/{name}.json"}},
                },
            ]
        },
    }


def _plain_message(name: str, ref: str, title: str) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "contentType": "application/json",
        "payload": {"$ref": ref},
        "bindings": {"kafka": {"key": {"type": "string"}, "bindingVersion": BINDING}},
    }


def _messages_of(topic: Topic) -> dict[str, str]:
    """Channel message id -> component message name."""
    if topic.name == REPLIES:
        return {"Reply": "Reply"}
    if topic.name == DLQ:
        return {"DeadLetter": "DeadLetter"}
    if topic.name.startswith("accelerator.commands."):
        service = topic.name.rsplit(".", 1)[1]
        wanted = [n for n, c in COMMANDS.items() if c is not CheckDeadlines and service_of(c) == service]
        if any(service_of_decider(w.decider) == service for w in WATCHED):
            wanted.append(CheckDeadlines.__name__)
        return {f"{n}Command": f"{n}Command" for n in wanted}
    suffix = "ForCities" if topic.name.startswith("accelerator.city.") else ""
    return {c.__name__: c.__name__ + (suffix if c.private else "") for c in topic.events}


def _channel_id(name: str) -> str:
    parts = name.replace("{", "").replace("}", "").split(".")[1:]
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def document() -> dict[str, Any]:
    topics = [*registry(tuple(SERVICES)), _city_channel()]
    components: dict[str, Any] = {c.__name__: _event_message(c) for c in CATALOGUE}
    components |= {c.__name__ + "ForCities": _event_message(c, for_city=True) for c in CATALOGUE if c.private}
    components |= {f"{n}Command": _command_message(n, c) for n, c in COMMANDS.items()}
    components["Reply"] = _plain_message("Reply", "./messages/reply.json", "The outcome of a command")
    components["DeadLetter"] = _plain_message(
        "DeadLetter", "./messages/deadletter.json", "What could not be processed"
    )
    channels, operations = {}, {}
    for topic in topics:
        cid = _channel_id(topic.name)
        messages = {
            mid: {"$ref": f"#/components/messages/{name}"} for mid, name in _messages_of(topic).items()
        }
        channel: dict[str, Any] = {
            "address": topic.name,
            "title": topic.name,
            "description": f"{topic.description} Key: {topic.key}.",
            "messages": messages,
            "bindings": {
                "kafka": {
                    "topic": topic.name,
                    "partitions": 3,
                    "replicas": 1,
                    "bindingVersion": BINDING,
                    "topicConfiguration": {
                        "cleanup.policy": [topic.kafka_config()["cleanup.policy"]],
                        "retention.ms": topic.retention_ms,
                    },
                }
            },
        }
        if "{city}" in topic.name:
            channel["parameters"] = {
                "city": {"description": "the partner city's id", "examples": ["brugge", "mechelen"]}
            }
            del channel["bindings"]["kafka"]["topic"]
        channels[cid] = channel
        refs = [{"$ref": f"#/channels/{cid}/messages/{mid}"} for mid in messages]
        operations[f"send{cid[0].upper()}{cid[1:]}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{cid}"},
            "messages": refs,
            "summary": f"Written by {', '.join(topic.writers)}.",
        }
        operations[f"receive{cid[0].upper()}{cid[1:]}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{cid}"},
            "messages": refs,
            "summary": f"Read by {', '.join(topic.readers)}.",
        }
    return {
        "asyncapi": "3.1.0",
        "info": {
            "title": "Accelerator programme tracker",
            "version": "1.0.0",
            "description": (
                "Events, commands and feeds of a cities' open-innovation accelerator. Every event is a "
                "CloudEvents 1.0 envelope (structured JSON) keyed by its subject; one writer per aggregate. "
                f"Finance systems: {FINANCE} carries PaymentInstructed (with the IBAN, BIC, account "
                "holder and the attempt's SEPA end_to_end_id), PaymentsExported (each pain.001 file) and "
                "the outcomes, every envelope naming its actor; they answer with RecordDisbursement or "
                "RecordPaymentFailure commands for the same payment_id and end_to_end_id."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": (
                    f"deploy/kafka.sh: Apache Kafka {KAFKA_VERSION} in KRaft mode, SASL/SCRAM-SHA-512 "
                    "and ACLs: each party its own principal (a city reads its own topic only)"
                ),
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": components,
            "securitySchemes": {
                "scram": {
                    "type": "scramSha512",
                    "description": "From `accelerator cities add NAME` or `accelerator finance add`.",
                }
            },
        },
    }


def _city_channel() -> Topic:
    from events.topics import city

    spec = city("{city}")
    return Topic(
        "accelerator.city.{city}",
        spec.key,
        "A partner city's own events, without contact details or IBANs.",
        spec.writers,
        ("the partner city",),
        spec.events,
        retention_ms=spec.retention_ms,
    )


def rendered() -> dict[Path, str]:
    out = {path: json.dumps(schema, indent=2, sort_keys=True) + "\n" for path, schema in files().items()}
    out[ROOT / "asyncapi.yaml"] = (
        "# Generated by `python -m accelerator.kafka.asyncapi`; do not edit.\n"
        + yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=110)
    )
    return out


FOLDERS = ["commands", "messages"]


def stale() -> list[str]:
    return stale_files(rendered(), FOLDERS)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        outdated = stale()
        for path in outdated:
            print(f"out of date: {path} (run: python -m accelerator.kafka.asyncapi)")
        return 1 if outdated else 0
    write_files(rendered(), FOLDERS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

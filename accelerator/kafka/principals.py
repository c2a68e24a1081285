"""Provision principals and their ACLs (accelerator/kafka/access.py) on a secured broker, as admin.

Idempotent and without a gap: a principal's SCRAM credential is (re)written with its stored
password, and its ACLs are brought to the declared set by adding what is missing and only
then removing what is no longer declared — a running worker is never refused in between.
Worker passwords are generated once and kept in the credentials file (mode 600); a partner's
(finance, a city) is printed once and kept nowhere but, salted and hashed, in the broker.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    KafkaAdminClient,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from accelerator.kafka.access import WORKER_ROLES, Grant, Resource, grants
from accelerator.kafka.admin import admin, create
from accelerator.kafka.auth import ADMIN, CredentialsFile, credentials_path, identity, username
from accelerator.kafka.connections import BOOTSTRAP_MS, RECONNECT_MAX_MS, patiently
from accelerator.kafka.topics import Names
from accelerator.runtime import Unavailable
from accelerator.settings import Settings
from events.topics import city as city_topic

RESOURCES = {
    Resource.TOPIC: ResourceType.TOPIC,
    Resource.GROUP: ResourceType.GROUP,
    Resource.TRANSACTIONAL_ID: ResourceType.TRANSACTIONAL_ID,
}


def secured(settings: Settings) -> bool:
    return identity(settings, ADMIN).sasl


def new_password() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Provisioned:
    principals: list[str]
    added: int
    removed: int
    credentials: Path


def provision(settings: Settings, roles: tuple[str, ...] = WORKER_ROLES, rotate: bool = False) -> Provisioned:
    """Every worker's and the client's principal, their passwords kept in the credentials file."""
    path = settings.kafka_credentials or credentials_path(settings)
    if path is None:
        raise Unavailable(
            "kafka: no credentials file to keep the workers' passwords in (ACCELERATOR_KAFKA_CREDENTIALS)"
        )
    stored = CredentialsFile.read(path) if path.exists() else CredentialsFile()
    client = admin(settings, ADMIN)
    try:
        result = Provisioned([], 0, 0, path)
        for role in roles:
            user = username(settings, role)
            password = stored.principals.get(user) if not rotate else None
            stored.principals[user] = password or new_password()
            _credential(client, user, stored.principals[user])
            added, removed = sync(client, user, grants(Names(settings.topic_prefix), role))
            result.principals.append(user)
            result.added, result.removed = result.added + added, result.removed + removed
        stored.write(path)
    finally:
        client.close()
    if roles:
        taken(settings, user, stored.principals[user])
    return result


def add_partner(settings: Settings, role: str) -> tuple[str, str]:
    """A partner's principal (finance, `city-NAME`) with a new password, shown to the caller once."""
    user, password = username(settings, role), new_password()
    client = admin(settings, ADMIN)
    try:
        if role.startswith("city-"):
            _city_topic(client, settings, role.removeprefix("city-"))
        _credential(client, user, password)
        sync(client, user, grants(Names(settings.topic_prefix), role))
    finally:
        client.close()
    taken(settings, user, password)
    return user, password


CREDENTIAL_SECONDS = 60
"""The least time provisioning gives the broker to take a credential it just set, however short
the clients' own wait: right after a restart, a loaded broker refused one for over 3 s."""


def taken(settings: Settings, user: str, password: str, seconds: float | None = None) -> None:
    """Until the broker takes a login with a credential just set (or its wait is over).

    The controller commits a credential before the broker applies it: the broker's cache follows
    the metadata log (further behind the busier the machine), and a login in that gap is refused as
    if the password were wrong. The broker applies the log in order, so once the last credential
    set is taken, every earlier one is too. (A refusal may reach kafka-python as the broker
    closing the connection, so one message says both.)"""
    login = replace(identity(settings, ADMIN), username=user, password=password)
    seconds = seconds or max(settings.kafka_wait_seconds, CREDENTIAL_SECONDS)
    not_taken = (
        f"kafka: the broker at {settings.kafka_bootstrap_servers} has not taken a login with the "
        f"new credential of {user} within {seconds:.0f} s (accelerator status)"
    )
    patiently(
        f"kafka: waiting for the broker to take the new credential of {user}",
        lambda: KafkaAdminClient(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            bootstrap_timeout_ms=BOOTSTRAP_MS,
            reconnect_backoff_max_ms=RECONNECT_MAX_MS,
            **login.kafka_python(),
        ).close(),
        seconds,
        not_taken,
        not_taken,
        refusal_is_final=False,
    )


def exists(settings: Settings, role: str) -> bool:
    client = admin(settings, ADMIN)
    try:
        return username(settings, role) in principals(client)
    finally:
        client.close()


def remove_partner(settings: Settings, role: str) -> int:
    """Revoke: every ACL of the principal, then its credential. Its topic and data stay."""
    user = username(settings, role)
    client = admin(settings, ADMIN)
    try:
        revoked = _delete(client, acls(client, user))
        if user in principals(client):
            client.alter_user_scram_credentials(
                [UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)]
            )
        return revoked
    finally:
        client.close()


def remove_namespace(settings: Settings) -> tuple[int, int]:
    """What a namespace of its own (a benchmark's: a topic prefix) put on the broker that costs
    it: its principals' ACLs, then its topics. Returns (ACLs, topics). The principals' SCRAM
    credentials stay (a test run that deleted them by the dozen, with broker restarts between,
    ended with the broker refusing its admin; an unused credential costs nothing per request).

    The broker checks every request against its ACLs, and each namespace adds about 150: the
    24,000 that earlier ones had left on a long-lived broker took it from 6.1 to 7.9 s of CPU
    in 10 s for the same 50 commands/s (bench/NOTES.md)."""
    prefix = settings.topic_prefix
    if not prefix:
        raise ValueError("topic_prefix: only a namespace of its own (a prefix) is removed, never the default")
    client = admin(settings, ADMIN)
    try:
        removed = 0
        if secured(settings):
            for user in sorted(user for user in principals(client) if user.startswith(prefix)):
                removed += _delete(client, acls(client, user))
        topics = sorted(topic for topic in client.list_topics() if topic.startswith(prefix))
        if topics:
            client.delete_topics(topics)
        return removed, len(topics)
    finally:
        client.close()


def _city_topic(client: KafkaAdminClient, settings: Settings, name: str) -> None:
    topic = Names(settings.topic_prefix).city(name)
    if topic not in client.list_topics():
        create(client, settings, topic, city_topic(name))


def _credential(client: KafkaAdminClient, user: str, password: str) -> None:
    errors = client.alter_user_scram_credentials(
        [UserScramCredentialUpsertion(user, ScramMechanism.SCRAM_SHA_512, password, iterations=8192)]
    )
    if errors.get(user):
        raise Unavailable(f"kafka: could not set the credential of {user}: {errors[user]}")


def principals(client: KafkaAdminClient) -> set[str]:
    return set(client.describe_user_scram_credentials())


def acl(user: str, grant: Grant) -> ACL:
    pattern = ACLResourcePatternType.PREFIXED if grant.prefixed else ACLResourcePatternType.LITERAL
    return ACL(
        principal=f"User:{user}",
        host="*",
        operation=ACLOperation[grant.operation],
        permission_type=ACLPermissionType.ALLOW,
        resource_pattern=ResourcePattern(RESOURCES[grant.resource], grant.name, pattern),
    )


def acls(client: KafkaAdminClient, user: str | None = None) -> list[ACL]:
    """The ACLs of one principal (every principal's: None)."""
    everything = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
    found, error = client.describe_acls(
        ACLFilter(f"User:{user}" if user else None, None, ACLOperation.ANY, ACLPermissionType.ANY, everything)
    )
    if error is not None and getattr(error, "errno", None):
        raise Unavailable(f"kafka: could not read the ACLs: {error}")
    return list(found)


def _delete(client: KafkaAdminClient, found: list[ACL]) -> int:
    """These ACLs off the broker (one request, none for none); how many."""
    if found:
        client.delete_acls([_filter(acl) for acl in found])
    return len(found)


def _filter(found: ACL) -> ACLFilter:
    pattern = found.resource_pattern
    return ACLFilter(
        found.principal,
        found.host,
        found.operation,
        found.permission_type,
        ResourcePatternFilter(pattern.resource_type, pattern.resource_name, pattern.pattern_type),
    )


def sync(client: KafkaAdminClient, user: str, declared: list[Grant]) -> tuple[int, int]:
    """Add what is declared and missing, then remove what is there and no longer declared."""
    wanted = {_key(acl(user, g)): acl(user, g) for g in declared}
    current = {_key(found): found for found in acls(client, user)}
    missing = [wanted[k] for k in wanted.keys() - current.keys()]
    extra = [current[k] for k in current.keys() - wanted.keys()]
    if missing:
        result = client.create_acls(missing)
        failed = result.get("failed") if isinstance(result, dict) else None
        if failed:
            raise Unavailable(f"kafka: could not create ACLs for {user}: {failed[0]}")
    return len(missing), _delete(client, extra)


def _key(found: ACL) -> tuple[object, ...]:
    pattern = found.resource_pattern
    return (
        found.principal,
        found.host,
        int(found.operation),
        int(found.permission_type),
        int(pattern.resource_type),
        pattern.resource_name,
        int(pattern.pattern_type),
    )

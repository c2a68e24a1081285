"""Bring a store written by an older version up to this version's tables; the log itself is
never rewritten except where its stream names changed (the events and their ids stay)."""

from __future__ import annotations

from typing import Any

OLD_POLICY_CONSUMER = "policies"
POLICY_CONSUMERS = ("starts-accelerators", "instructs-payments")


def migrate(connection: Any, version: int) -> None:
    if version < 2:
        _to_2(connection)
    if version < 3:
        _to_3(connection)
    if version < 4:
        _to_4(connection)


def _to_2(connection: Any) -> None:
    """Version 2: each event keeps its command id (`causation`); the accelerator service and
    its streams are called participation; each policy tracks its own position."""
    columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(event_log)")}
    if "causation" not in columns:
        connection.exec_driver_sql("ALTER TABLE event_log ADD COLUMN causation VARCHAR")
        connection.exec_driver_sql("UPDATE event_log SET causation = json_extract(envelope, '$.causationid')")
    for column in ("causation", "type"):  # create_all adds no index to a table that exists
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_event_log_{column} ON event_log ({column})"
        )
    old, new = "accelerator-", "participation-"
    connection.exec_driver_sql(
        "UPDATE event_log SET stream = ? || substr(stream, ?), "
        "envelope = json_set(envelope, '$.stream', ? || substr(stream, ?)) WHERE stream LIKE ?",
        (new, len(old) + 1, new, len(old) + 1, f"{old}%"),
    )
    tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    if "tracking" in tables:
        for consumer in POLICY_CONSUMERS:
            connection.exec_driver_sql(
                "INSERT OR IGNORE INTO tracking (consumer, position) "
                "SELECT ?, position FROM tracking WHERE consumer = ?",
                (consumer, OLD_POLICY_CONSUMER),
            )
        connection.exec_driver_sql("DELETE FROM tracking WHERE consumer = ?", (OLD_POLICY_CONSUMER,))


def _to_3(connection: Any) -> None:
    """Version 3: views show a challenge's framing, answers and ideas, an applicant's kind and
    country, and a pilot's outcome. The views are projected again from the log, up to the
    projector's position (so no event is applied twice), in this migration's transaction."""
    from sqlmodel import Session

    from events import CloudEvent, parse
    from services.projector import read_model
    from services.projector.views import Projection

    tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    if not {"tracking", "startup_view", "challenge_view"} <= tables:
        return
    upto = (
        connection.exec_driver_sql("SELECT position FROM tracking WHERE consumer = 'projector'").scalar() or 0
    )
    fresh = Projection()
    rows = connection.exec_driver_sql(
        "SELECT envelope FROM event_log WHERE position <= ? ORDER BY position", (upto,)
    )
    for (raw,) in rows:
        ce = CloudEvent.from_json(raw)
        try:
            fresh.apply(parse(ce), ce.time)
        except ValueError:  # the projector dead-lettered it then; it shows in no view now either
            continue
    connection.exec_driver_sql("DELETE FROM startup_view")
    connection.exec_driver_sql("DELETE FROM challenge_view")
    with Session(bind=connection) as session:
        read_model.save_startups(session, fresh.startups.values())
        read_model.save_challenges(session, fresh.challenges.values())
        session.flush()


LISTING_INDEXES = {
    "ix_startup_view_listing": "(challenge_id, company_name, startup_id)",
    "ix_startup_view_city_listing": "(city_id, challenge_id, company_name, startup_id)",
    "ix_startup_view_phase_listing": "(phase, challenge_id, company_name, startup_id)",
    "ix_startup_view_company_lower": "(lower(company_name))",
}


def _to_4(connection: Any) -> None:
    """Version 4: the read model's lists are walked by index (a page reads that page) and a
    company is found by its lower-cased name (services/projector/read_model.py). Only
    indexes: the log and the views stay as they are."""
    tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    if "startup_view" not in tables:
        return  # create_all makes the table with its indexes
    for name, columns in LISTING_INDEXES.items():
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON startup_view {columns}")

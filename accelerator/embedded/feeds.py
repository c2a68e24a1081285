"""A city's feed on the embedded runtime: the `feed` table the `cities` consumer writes, by
log position. What webhook replays and the HTTP feed (accelerator/web/feeds.py) read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session, col, select

from accelerator.embedded.tables import FeedRow
from events import CloudEvent


class FeedTable:
    def entries(
        self,
        session: Session,
        channel: str,
        after: int = 0,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> Iterator[tuple[int, CloudEvent]]:
        query = (
            select(FeedRow)
            .where(FeedRow.channel == channel, col(FeedRow.position) > after)
            .order_by(col(FeedRow.position))
        )
        count = 0
        for row in session.exec(query):
            ce = CloudEvent.from_json(row.envelope)
            if since is None or ce.time >= since:
                yield row.position, ce
                count += 1
                if limit is not None and count >= limit:
                    return

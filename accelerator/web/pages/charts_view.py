"""The dashboard's charts in the reader's language: the SVG of accelerator/web/charts.py
with labels translated and amounts and dates in Belgian formats (template globals)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from accelerator.web import charts, labels
from accelerator.web.api.models import Grant
from accelerator.web.i18n import Formats, translations
from accelerator.web.pages.timeline import LANES, Timeline
from services.projector.views import StartupView


class Charts:
    def __init__(self, lang: str) -> None:
        self.fmt = Formats(lang)
        self._ = translations(lang).gettext

    def funnel(self, prefix: str, title: str, stages: Sequence[str], counts: Sequence[int]) -> Markup:
        rows = [
            charts.Bar(
                self._(stage), count, self.fmt.number(count), charts.PATTERNS[i % len(charts.PATTERNS)]
            )
            for i, (stage, count) in enumerate(zip(stages, counts, strict=True))
        ]
        description = "; ".join(f"{r.label}: {r.shown}" for r in rows)
        return charts.bars(prefix, title, description, rows, maximum=counts[0] if counts else 1)

    def burn(
        self, prefix: str, title: str, rows: Sequence[tuple[StartupView, Grant]], cap: Decimal
    ) -> Markup:
        burns = [
            charts.Burn(
                v.company_name,
                g.paid,
                g.committed,
                g.awarded,
                f"{self.fmt.money(g.paid)} / {self.fmt.money(g.awarded)}",
            )
            for v, g in rows
        ]
        description = self._(
            "Paid (solid), committed (hatched) and the rest of each award (outlined), against the cap."
        )
        cap_label = self._("cap {amount}").format(amount=self.fmt.money(cap))
        return charts.burn(prefix, title, description, burns, cap, cap_label)

    def counts(self, prefix: str, title: str, rows: Sequence[tuple[str, int]]) -> Markup:
        bars = [
            charts.Bar(label, n, self.fmt.number(n), charts.PATTERNS[i % len(charts.PATTERNS)])
            for i, (label, n) in enumerate(rows)
        ]
        return charts.bars(prefix, title, "; ".join(f"{b.label}: {b.shown}" for b in bars), bars)

    def timeline(self, prefix: str, title: str, tl: Timeline) -> Markup:
        marks = [
            charts.Mark(
                m.lane,
                m.day,
                " ".join([m.words[0], *(self._(labels.value(w)) for w in m.words[1:])]),
                m.shape,
            )
            for m in tl.marks
        ]
        ticks = [(day, self.fmt.month(day)) for day in months(tl.start, tl.end)]
        description = "; ".join(f"{self.fmt.day(m.day)} {m.label}" for m in marks)
        today = (tl.today, self._("today"))
        return charts.timeline(
            prefix,
            title,
            description,
            tl.start,
            tl.end,
            [self._(lane) for lane in LANES],
            marks,
            ticks,
            today,
        )


def months(start: date, end: date) -> list[date]:
    found, day = [], start.replace(day=1)
    while day <= end:
        if day >= start:
            found.append(day)
        day = _next_month(day)
    return found


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)

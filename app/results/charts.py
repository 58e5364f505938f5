"""Geometry of the charts on the results page, drawn as server-rendered SVG by
templates/results/_charts.html: no JavaScript, each chart with a <title> and a <desc> in words,
and the same numbers in a table beside it. Funded bars carry a text label, not colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 640
BAR = 22
GAP = 8
LABEL = 260
TITLE_CHARS = 38


@dataclass(frozen=True)
class Bar:
    y: int
    length: int
    label: str
    votes: int
    selected: bool


def bar_chart(rows: Sequence[Any]) -> dict[str, Any]:
    """Votes per proposal as horizontal bars (the rows' order), scaled to the largest."""
    top = max((row.votes for row in rows), default=0) or 1
    span = WIDTH - LABEL - 90
    bars = [Bar(GAP + i * (BAR + GAP),
                max(round(span * row.votes / top), 1 if row.votes else 0),
                row.title if len(row.title) <= TITLE_CHARS else row.title[:TITLE_CHARS - 1] + "…",
                row.votes, row.selected) for i, row in enumerate(rows)]
    return {"width": WIDTH, "height": len(rows) * (BAR + GAP) + GAP, "bar": BAR,
            "label": LABEL, "bars": bars, "rows": rows}


def turnout_chart(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Ballots online and on paper against the people who could vote, as one stacked bar."""
    eligible = int(snapshot.get("eligible") or 0)
    online = int(snapshot.get("ballots_online") or 0)
    paper = int(snapshot.get("ballots_paper") or 0)
    whole = max(eligible, online + paper, 1)
    span = WIDTH - 20
    return {"width": WIDTH, "span": span, "online": online, "paper": paper,
            "eligible": eligible, "w_online": round(span * online / whole),
            "w_paper": round(span * paper / whole)}

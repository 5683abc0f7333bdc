"""What a motivation report holds: sections of text and plots, each plot also as data.

The same values render as HTML (:func:`motivekit.report.render_html`) and as plain data
(:meth:`Report.to_data`) for a host's own dashboard. A point without a value is a group
result that is hidden (too few respondents, say); it keeps its label and a note saying
why, so a gap is never mistaken for a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import attrs

from motivekit._errors import InvalidInput

__all__ = ["Plot", "Point", "Report", "Section", "Series"]


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} must be a non-empty string, got {value!r}")
    return value


@attrs.frozen
class Point:
    """One value of a series at one label (a week, a design version, an arm)."""

    label: str
    value: float | None
    """None: hidden; ``note`` says why."""
    note: str | None = None

    def __attrs_post_init__(self) -> None:
        _text(self.label, "point label")
        v = self.value
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise InvalidInput(f"point {self.label!r}: value must be a number or None")
        if v is not None and not math.isfinite(v):
            raise InvalidInput(f"point {self.label!r}: value must be finite, got {v!r}")


@attrs.frozen
class Series:
    """A named line or set of bars."""

    name: str
    points: tuple[Point, ...] = attrs.field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        _text(self.name, "series name")


@attrs.frozen
class Plot:
    """One chart. Every series shares the plot's labels, in the order of the first."""

    id: str
    title: str
    y_label: str
    series: tuple[Series, ...] = attrs.field(converter=tuple)
    kind: Literal["bar", "line"] = "bar"
    caption: str = ""
    """What the plot shows and how to read it."""

    def __attrs_post_init__(self) -> None:
        for value, field in ((self.id, "plot id"), (self.title, "plot title")):
            _text(value, field)
        if self.kind not in ("bar", "line"):
            raise InvalidInput(f"plot {self.id!r}: kind must be 'bar' or 'line'")
        if not self.series:
            raise InvalidInput(f"plot {self.id!r} has no series; give it at least one")

    @property
    def labels(self) -> list[str]:
        """Every label, in first-seen order across the series."""
        out: list[str] = []
        for series in self.series:
            out += [p.label for p in series.points if p.label not in out]
        return out

    def to_data(self) -> dict[str, Any]:
        """The plot as JSON-ready data."""
        return {
            "id": self.id,
            "title": self.title,
            "y_label": self.y_label,
            "kind": self.kind,
            "caption": self.caption,
            "series": [
                {
                    "name": s.name,
                    "points": [
                        {"label": p.label, "value": p.value, "note": p.note} for p in s.points
                    ],
                }
                for s in self.series
            ],
        }


@attrs.frozen
class Section:
    """A heading, a few paragraphs and the plots that go with them."""

    title: str
    paragraphs: tuple[str, ...] = attrs.field(converter=tuple, default=())
    plots: tuple[Plot, ...] = attrs.field(converter=tuple, default=())

    def __attrs_post_init__(self) -> None:
        _text(self.title, "section title")


@attrs.frozen
class Report:
    """A whole report."""

    title: str
    generated_at: datetime
    sections: tuple[Section, ...] = attrs.field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        _text(self.title, "report title")
        if self.generated_at.tzinfo is None:
            raise InvalidInput("generated_at must be timezone-aware, e.g. datetime.now(UTC)")
        ids = [p.id for s in self.sections for p in s.plots]
        if len(set(ids)) != len(ids):
            raise InvalidInput(f"plot ids must be unique in a report, got {ids}")

    @property
    def plots(self) -> Sequence[Plot]:
        """Every plot, in reading order."""
        return [p for s in self.sections for p in s.plots]

    def to_data(self) -> dict[str, Any]:
        """The report as JSON-ready data: every plot's values for a host's dashboard."""
        return {
            "title": self.title,
            "generated_at": self.generated_at.isoformat(),
            "sections": [
                {
                    "title": s.title,
                    "paragraphs": list(s.paragraphs),
                    "plots": [p.to_data() for p in s.plots],
                }
                for s in self.sections
            ],
        }

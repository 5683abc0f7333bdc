"""The motivation report: one self-contained HTML file, and the same plots as data."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from motivekit import InvalidInput
from motivekit.report import Plot, Point, Report, Section, Series, render_html, render_svg

AT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def sample() -> Report:
    interest = Plot(
        "interest",
        "Interest and enjoyment by design version",
        "mean (1-7)",
        [
            Series("v7", [Point("week 1", 4.2), Point("week 2", 4.4)]),
            Series(
                "v8",
                [Point("week 1", 4.3), Point("week 2", None, "fewer than 10 respondents")],
            ),
        ],
        caption="Higher is more interest.",
    )
    free = Plot(
        "free-choice",
        "Free-choice activity <per person>",
        "events per week",
        [Series("all", [Point("week 1", 2.0), Point("week 2", 2.5)])],
        kind="line",
    )
    return Report(
        "Help desk & motivation",
        AT,
        [
            Section("Interest", ["From the weekly check-in."], [interest]),
            Section("Activity", [], [free]),
        ],
    )


def test_the_html_is_self_contained_and_escaped() -> None:
    html = render_html(sample())
    assert html.count("<svg ") == 2
    assert "<script" not in html
    for loads in ("src=", 'href="http', "@import", "<link", "<img"):
        assert loads not in html, loads  # nothing to fetch: namespaces are only names
    assert not re.search(r"url\((?!#)", html)  # only the SVG's own clip paths
    ids = re.findall(r'id="(p[0-9a-f]{8,})"', html)
    assert len(ids) == len(set(ids))  # two inline plots never share a clip-path id
    assert "<metadata>" not in html
    assert "Free-choice activity &lt;per person&gt;" in html
    assert "Help desk &amp; motivation" in html
    assert "default-src 'none'" in html  # the browser may load nothing


def test_hidden_points_say_why_and_are_not_zero() -> None:
    html = render_html(sample())
    assert '<td class="hidden">fewer than 10 respondents</td>' in html
    assert "Gaps: fewer than 10 respondents." in html
    assert "<td>4.30</td>" in html


def test_the_same_report_gives_the_same_bytes() -> None:
    assert render_html(sample()) == render_html(sample())
    svg = render_svg(sample().plots[0])
    assert svg.startswith('<svg role="img" aria-label="Interest and enjoyment by design version"')


def test_plots_as_data_for_a_dashboard() -> None:
    data = json.loads(json.dumps(sample().to_data()))
    plot = data["sections"][0]["plots"][0]
    assert plot["id"] == "interest"
    assert plot["series"][1]["points"][1] == {
        "label": "week 2",
        "value": None,
        "note": "fewer than 10 respondents",
    }
    assert data["generated_at"] == "2026-12-04T09:30:00+00:00"


def test_bad_reports_are_named() -> None:
    with pytest.raises(InvalidInput, match="value must be finite"):
        Point("w1", float("nan"))
    with pytest.raises(InvalidInput, match="has no series"):
        Plot("p", "Title", "y", [])
    with pytest.raises(InvalidInput, match="kind must be 'bar' or 'line'"):
        Plot("p", "Title", "y", [Series("s", [])], kind="pie")  # type: ignore[arg-type]
    plot = sample().plots[0]
    with pytest.raises(InvalidInput, match="plot ids must be unique"):
        Report("R", AT, [Section("a", [], [plot, plot])])
    with pytest.raises(InvalidInput, match="timezone-aware"):
        Report("R", datetime(2026, 1, 1), [])

"""A report as one self-contained HTML file: inline CSS, plots as inline SVG.

The file loads nothing when opened (no scripts, fonts, images or styles from anywhere),
so it can be mailed, archived or opened offline. Matplotlib draws each plot through its
object API (no pyplot, so no global state between reports) with text as paths, and with
a fixed hash salt and no date, so the same report gives the same bytes. Each plot's
numbers follow it in a table, for screen readers and for anyone who wants the values.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING

from motivekit._errors import ConfigError
from motivekit.report._model import Plot, Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["render_html", "render_svg"]

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_COLOURS = ("#1f5f8b", "#c26d1a", "#3f7f3f", "#7a4f9a", "#8b1f3f", "#4f6f6f")
_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.5rem;border-top:1px solid #ccc;
padding-top:1rem}figure{margin:1.5rem 0}figcaption{color:#444}svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.2rem .6rem;
text-align:right}th:first-child,td:first-child{text-align:left}.hidden{color:#666;
font-style:italic}.meta{color:#555}
"""


def _matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # pragma: no cover - matplotlib comes with the [report] extra
        raise ConfigError(
            "the report draws its plots with matplotlib; install it with"
            " pip install 'motivekit[report]'"
        ) from None


def _draw(axes: Axes, plot: Plot) -> None:
    labels = plot.labels
    where = {label: i for i, label in enumerate(labels)}
    width = 0.8 / len(plot.series)
    for n, series in enumerate(plot.series):
        colour = _COLOURS[n % len(_COLOURS)]
        offset = 0.0 if plot.kind == "line" else (n - (len(plot.series) - 1) / 2) * width
        xs = [where[p.label] + offset for p in series.points]
        ys = [float("nan") if p.value is None else p.value for p in series.points]
        if plot.kind == "line":
            axes.plot(xs, ys, marker="o", color=colour, label=series.name)
        else:
            axes.bar(xs, ys, width=width, color=colour, label=series.name)
        for x, point in zip(xs, series.points, strict=True):
            if point.value is None:  # say so where the value would be: a gap is not a zero
                axes.text(
                    x, 0, " hidden", rotation=90, ha="center", va="bottom", fontsize=8, color=colour
                )
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylabel(plot.y_label)
    values = [p.value for s in plot.series for p in s.points if p.value is not None]
    if not values or min(values) >= 0:  # from zero: a cut-off axis makes a rise look large
        axes.set_ylim(0, max(values, default=1.0) * 1.12 or 1.0)
    axes.set_xlim(-0.5, len(labels) - 0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#ddd")
    axes.set_axisbelow(True)
    if len(plot.series) > 1:
        axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def render_svg(plot: Plot) -> str:
    """One plot as an SVG document (text drawn as paths: no fonts needed)."""
    _matplotlib()
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "path", "svg.hashsalt": plot.id}):
        figure = Figure(figsize=(7.5, 3.6), layout="constrained")
        _draw(figure.add_subplot(), plot)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: it is inline
    svg = _METADATA.sub("", svg, count=1)  # Dublin Core boilerplate, nothing to show
    label = escape(plot.title, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _table(plot: Plot) -> str:
    labels = plot.labels
    head = "".join(f"<th>{escape(s.name)}</th>" for s in plot.series)
    rows = []
    for label in labels:
        cells = []
        for series in plot.series:
            point = next((p for p in series.points if p.label == label), None)
            if point is None:
                cells.append("<td></td>")
            elif point.value is None:
                cells.append(f'<td class="hidden">{escape(point.note or "hidden")}</td>')
            else:
                cells.append(f"<td>{point.value:.2f}</td>")
        rows.append(f"<tr><td>{escape(label)}</td>{''.join(cells)}</tr>")
    return (
        f"<details><summary>The numbers</summary><table><thead><tr><th>"
        f"{escape(plot.y_label)}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"</table></details>"
    )


def _figure(plot: Plot) -> str:
    hidden = sorted({p.note or "hidden" for s in plot.series for p in s.points if p.value is None})
    notes = "".join(f' <span class="hidden">Gaps: {escape(n)}.</span>' for n in hidden)
    return (
        f'<figure id="{escape(plot.id, quote=True)}">{render_svg(plot)}'
        f"<figcaption><strong>{escape(plot.title)}</strong>. {escape(plot.caption)}{notes}"
        f"</figcaption>{_table(plot)}</figure>"
    )


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{escape(report.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="meta">Generated {escape(report.generated_at.isoformat(timespec="minutes"))}'
        "</p>",
    ]
    for section in report.sections:
        parts.append(f"<section><h2>{escape(section.title)}</h2>")
        parts += [f"<p>{escape(text)}</p>" for text in section.paragraphs]
        parts += [_figure(plot) for plot in section.plots]
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)

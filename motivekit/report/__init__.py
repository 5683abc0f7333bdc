"""Reports on whether a design sustains motivation: HTML with plots, and the same as data.

Build a :class:`Report` of sections and plots; :func:`render_html` writes it as one
self-contained file, and :meth:`Report.to_data` gives the plots' values to a host's own
dashboard. Drawing needs matplotlib: ``pip install 'motivekit[report]'``.
"""

from __future__ import annotations

from motivekit.report._model import Plot, Point, Report, Section, Series
from motivekit.report._render import render_html, render_svg

__all__ = ["Plot", "Point", "Report", "Section", "Series", "render_html", "render_svg"]

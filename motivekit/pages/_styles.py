"""The drop-in pages' one stylesheet (``pages.css``), which both adapters' templates inline,
so the pages look the same, and keep the same contrast and focus outlines, in every host."""

from __future__ import annotations

from importlib import resources

__all__ = ["STYLESHEET"]

STYLESHEET = resources.files(__package__).joinpath("pages.css").read_text(encoding="utf-8")
"""The CSS text (no ``<style>`` element): trusted, shipped with the package."""

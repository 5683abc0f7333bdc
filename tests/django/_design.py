"""Design files and keys for the Django tests."""

from __future__ import annotations

from pathlib import Path

from motivekit.audit import Ed25519Signer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RULES = FIXTURES / "flask.yaml"
"""A design with a menu, a track, impact rules and a mission (no lint errors or warnings)."""
CONTROLLING = FIXTURES / "controlling.yaml"
"""Every mechanic the linter flags; it does not run either."""

NUDGING = """\
version: 1
goals:
  menu:
    - {id: notes, title: Write notes, measure: {event: note.written, count: 1, per: day}}
nudges:
  default: on
  max_per_week: 14
"""
"""Does not run (nudges on by default), and lints with an error for it and a warning
(nudge rate)."""


def key_file(folder: Path, name: str = "test-log") -> Path:
    """A new Ed25519 signing key file in ``folder``."""
    path = folder / f"{name}.key"
    path.write_text(Ed25519Signer.generate(name).private_key + "\n", "ascii")
    return path

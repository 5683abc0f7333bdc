"""Regenerate ``motivekit/api/openapi.json`` from the code, or check that it is current.

python -m motivekit.api.openapi_build          # rewrite the shipped document
python -m motivekit.api.openapi_build --check  # exit 1 if it differs from the code
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motivekit.api._openapi import document_text

__all__ = ["SHIPPED", "main"]

SHIPPED = Path(__file__).with_name("openapi.json")


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the shipped document; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m motivekit.api.openapi_build")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = document_text()
    if args.check:
        if SHIPPED.read_text("utf-8") != text:
            print(f"{SHIPPED} is out of date; run python -m motivekit.api.openapi_build")
            return 1
        print(f"{SHIPPED} is current")
        return 0
    SHIPPED.write_text(text, "utf-8")
    print(f"wrote {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m motivekit`` runs the command line."""

from motivekit.cli import main

main()

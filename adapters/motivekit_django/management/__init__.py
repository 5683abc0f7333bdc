"""``manage.py motivekit_*``: the core command line on the project's settings."""

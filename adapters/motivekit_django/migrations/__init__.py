"""The app's migrations (``manage.py migrate motivekit``)."""

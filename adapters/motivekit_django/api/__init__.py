"""The JSON API as plain Django views: ``include("motivekit_django.api.urls")``."""

"""The help desk: questions, answers, and "this helped me" — the host app that records
what happens through ``motivekit_django.get_kit().record``."""

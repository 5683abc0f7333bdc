"""Template tags of the drop-in pages (``{% load motivekit_pages %}``)."""

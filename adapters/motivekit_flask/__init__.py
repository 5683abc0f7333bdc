"""motivekit for Flask: the extension, the JSON API blueprint and the drop-in pages."""

"""One module per command (Django finds them by file name); each is a ``ClickCommand``."""

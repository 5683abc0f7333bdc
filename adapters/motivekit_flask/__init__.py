"""motivekit for Flask: the extension, the JSON API blueprint and the drop-in pages.

::

    from flask import Flask
    from motivekit_flask import Motivekit, api

    app = Flask(__name__)
    app.config["MOTIVEKIT_RULES"] = "motivation.yaml"
    mk = Motivekit(app)                  # or mk = Motivekit(); mk.init_app(app)
    app.register_blueprint(api, url_prefix="/motivekit/api")

    @mk.user_loader
    def motivekit_user() -> str | None:  # default: flask_login.current_user.get_id()
        ...

See ``docs/flask.md``.
"""

from __future__ import annotations

from motivekit_flask._blueprint import api
from motivekit_flask._extension import Motivekit, current_api, current_kit, current_user_id

__all__ = ["Motivekit", "api", "current_api", "current_kit", "current_user_id"]

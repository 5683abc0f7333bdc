"""The drop-in pages: a person's goals, skills, impact, missions and settings.

::

    from motivekit_flask.pages import pages
    app.register_blueprint(pages, url_prefix="/me")

Invariants:

* What each page reads and posts is :class:`motivekit.pages.PersonPages`, shared with the
  Django pages; every form post goes through ``current_api.invoke``, so the logic
  (validation, who may do what, error messages) lives once, in :mod:`motivekit.api`. A
  refused post shows the problem's detail next to the form, answers with its 4xx status
  and writes nothing; a post that works redirects (POST, then redirect, then GET).
* The pages work without JavaScript. Templates live in ``templates/motivekit/``; a host
  overrides any of them by shipping a template of the same name in its own folder.
* Nobody signed in: 401 with a page that says so (the host's sign-in is its own).
"""

from __future__ import annotations

from motivekit_flask.pages._views import pages

__all__ = ["pages"]

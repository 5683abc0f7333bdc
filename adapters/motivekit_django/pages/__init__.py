"""The drop-in pages: a person's goals, skills, impact, missions and settings.

::

    urlpatterns = [path("me/", include("motivekit_django.pages.urls"))]  # motivekit_pages:…

Invariants:

* What each page reads and posts is :class:`motivekit.pages.PersonPages`, shared with the
  Flask pages; every form post goes through ``get_api().invoke``, so validation, who may do
  what and the error messages live once, in :mod:`motivekit.api`. A refused post shows the
  problem's detail beside the form and each field's message beside the field, answers with
  its 4xx status and writes nothing; a post that works redirects (POST, redirect, GET) and
  says what it did through ``django.contrib.messages`` (when the project has it).
* Plain Django views and templates (``motivekit/goals.html`` …, overridable by name);
  every form carries ``{% csrf_token %}`` and the project's ``CsrfViewMiddleware`` guards
  it. They work without JavaScript.
* The signed-in person is ``motivekit_django.user_id_of(request)``; nobody signed in gets
  401 and a page with a link to ``settings.LOGIN_URL``.
"""

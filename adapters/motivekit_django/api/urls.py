"""The JSON API's URLs: ``path("motivekit/api/", include("motivekit_django.api.urls"))``.

One pattern per operation of :data:`motivekit.api.ROUTES`, named by its operation id in
the ``motivekit_api`` namespace (``reverse("motivekit_api:pauseGoal", args=[goal_id])``),
then one that answers every other path under the mount with a 404 problem.
"""

from __future__ import annotations

import re

from django.urls import URLPattern, path, re_path

from motivekit.api import ROUTES, Route
from motivekit_django.api.views import not_found, operation

__all__ = ["app_name", "route_of", "urlpatterns"]

app_name = "motivekit_api"
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def route_of(route: Route) -> str:
    """The Django route of an OpenAPI path template: ``/goals/{goal_id}`` ->
    ``goals/<str:goal_id>`` (plain strings without ``/``, as the document says)."""
    return _PARAM.sub(r"<str:\1>", route.path.removeprefix("/"))


urlpatterns: list[URLPattern] = [
    path(route_of(r), operation, {"template": r.path}, name=r.operation_id) for r in ROUTES
]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not_found"))

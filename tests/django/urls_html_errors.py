"""A project whose own 404 and 405 pages are HTML, with the API mounted elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import URLPattern, URLResolver, include, path


def html_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseNotFound("<h1>host page</h1>")


handler404 = html_404
urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/motivation/", include("motivekit_django.api.urls")),
]

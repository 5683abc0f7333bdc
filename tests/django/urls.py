"""The test project's URLs: the admin and motivekit's API and pages."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("motivekit/api/", include("motivekit_django.api.urls")),
    path("me/", include("motivekit_django.pages.urls")),
]

"""The example site's URLs: the help desk, sign-in, motivekit's pages and JSON API, and
the admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from helpdesk import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("questions/<int:pk>/", views.question, name="question"),
    path("questions/<int:pk>/answers/", views.answer, name="answer"),
    path("answers/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("audit/", views.audit, name="audit"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", include("motivekit_django.pages.urls")),
    path("motivekit/api/", include("motivekit_django.api.urls")),
    path("admin/", admin.site.urls),
]

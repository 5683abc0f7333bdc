"""``include("motivekit_django.pages.urls")``: the pages, in the ``motivekit_pages``
namespace (``reverse("motivekit_pages:goals")``)."""

from __future__ import annotations

from django.urls import path

from motivekit_django.pages import views

app_name = "motivekit_pages"

urlpatterns = [
    path("goals/", views.goals, name="goals"),
    path("goals/adopt/", views.adopt_goal, name="adopt_goal"),
    path("goals/<str:goal_id>/why/", views.goal_why, name="goal_why"),
    path("goals/<str:goal_id>/<str:action>/", views.change_goal, name="change_goal"),
    path("skills/", views.skills, name="skills"),
    path("skills/<str:track_id>/band/", views.set_band, name="set_band"),
    path("skills/<str:track_id>/why/", views.skill_why, name="skill_why"),
    path("impact/", views.impact, name="impact"),
    path("impact/<str:entry_id>/why/", views.impact_why, name="impact_why"),
    path("missions/", views.missions, name="missions"),
    path("settings/", views.settings, name="settings"),
]

"""One signed-in person's pages: each read gives a :class:`Page`, each post a
:class:`Posted` message or the page again with the refusal beside its form."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from motivekit.api import Api, ApiProblem
from motivekit.pages._forms import Form, drop_none, number, percent, plan, text
from motivekit.pages._refusals import field_errors, for_people

__all__ = [
    "GOAL_ACTIONS",
    "MECHANICS",
    "CandidateSource",
    "ChallengeLink",
    "Page",
    "PersonPages",
    "Posted",
]

_log = logging.getLogger("motivekit.pages")

MECHANICS = ("goals", "mastery", "impact", "nudges")
"""The mechanics the settings page offers to switch on or off, in its order."""
CandidateSource = Callable[[str, str], str | None]
"""``(user, track_id) -> "id:difficulty,..."`` or None: the items the skills page may
suggest as next challenges (none given: it suggests none)."""
ChallengeLink = Callable[[str], tuple[str, str | None]]
"""``item_id -> (label, url or None)``: how a suggested item is shown (none given: its id,
no link)."""
_ACTIONS = {
    "pause": ("pauseGoal", "paused"),
    "resume": ("resumeGoal", "resumed"),
    "release": ("releaseGoal", "let go of"),
}
GOAL_ACTIONS = frozenset({*_ACTIONS, "renegotiate"})
"""What ``/goals/<goal_id>/<action>`` may do; any other action is not found (404)."""


@attrs.frozen
class Page:
    """A page to render: its template name, its context and the forms on it."""

    template: str
    context: dict[str, Any]
    forms: frozenset[str] = frozenset()
    """The names of the forms on the page: a refusal of a form not among them (an unknown
    goal id) is shown at the top of the page (form ``"page"``)."""
    status: int = 200
    """200, or a refused post's 4xx."""

    def refused(self, problem: ApiProblem, form: str, values: Form) -> Page:
        """This page again, showing ``problem`` beside ``form`` with the posted ``values``
        kept in its fields, answering with the problem's status."""
        problem = for_people(problem)
        where = form if form in self.forms else "page"
        failed = {"form": where, "problem": problem, "fields": field_errors(problem)}
        context = {**self.context, "failed": failed, "values": values}
        return attrs.evolve(self, context=context, status=problem.status)


@attrs.frozen
class Posted:
    """A post that worked: what to tell the person on the page it redirects to."""

    message: str


@attrs.frozen
class PersonPages:
    """The pages of ``user`` over ``api``; the adapter says who is signed in."""

    api: Api
    user: str
    candidates: CandidateSource | None = None
    challenge_link: ChallengeLink | None = None

    def _invoke(self, operation: str, path: Mapping[str, str] | None = None, **kw: Any) -> Any:
        return self.api.invoke(operation, self.user, path_params=dict(path or {}), **kw)

    def _submit(
        self, page: Callable[[], Page], form: str, values: Form, action: Callable[[], str]
    ) -> Posted | Page:
        try:
            return Posted(action())
        except ApiProblem as problem:
            return page().refused(problem, form, values)

    # -- goals ------------------------------------------------------------------------------

    def goals(self) -> Page:
        """My goals, the menu, and a form to write one's own."""
        goals = self._invoke("listGoals")["goals"]
        menu = self._invoke("goalMenu")
        events = sorted({t["measure"]["event"] for t in menu["templates"]})
        forms = {"create", *(f"adopt-{t['id']}" for t in menu["templates"])}
        live = [g for g in goals if g["status"] != "released"]
        forms |= {f"{a}-{g['id']}" for g in live for a in GOAL_ACTIONS}
        context = {"goals": goals, "menu": menu, "events": events}
        return Page("motivekit/goals.html", context, frozenset(forms))

    def adopt_goal(self, form: Form) -> Posted | Page:
        """Adopt a goal from the menu, with an optional why and if-then plan."""
        template_id = form.get("template_id") or ""

        def act() -> str:
            body = {
                "template_id": template_id,
                "count": number(form.get("count")),
                "why": text(form, "why"),
                "plan": plan(form),
            }
            goal = self._invoke("adoptGoal", body=drop_none(body))
            return f"You chose the goal “{goal['title']}”."

        return self._submit(self.goals, f"adopt-{template_id}", form, act)

    def create_goal(self, form: Form) -> Posted | Page:
        """Write one's own goal."""

        def act() -> str:
            measure = drop_none(
                {
                    "event": form.get("event") or "",
                    "count": number(form.get("count")) or 1,
                    "per": text(form, "per"),
                }
            )
            body = {
                "title": (form.get("title") or "").strip(),
                "measure": measure,
                "why": text(form, "why"),
                "plan": plan(form),
            }
            goal = self._invoke("createGoal", body=drop_none(body))
            return f"You wrote the goal “{goal['title']}”."

        return self._submit(self.goals, "create", form, act)

    def change_goal(self, goal_id: str, action: str, form: Form) -> Posted | Page:
        """Pause, resume, release or renegotiate one's own goal; an action not in
        :data:`GOAL_ACTIONS` raises a 404 :class:`ApiProblem`."""
        if action not in GOAL_ACTIONS:
            raise ApiProblem(404, detail=f"a goal cannot be changed by {action!r}")
        path = {"goal_id": goal_id}

        def act() -> str:
            if action == "renegotiate":
                body = drop_none({"count": number(form.get("count")), "per": text(form, "per")})
                goal = self._invoke("renegotiateGoal", path, body=body)
                return f"“{goal['title']}” now asks for what you chose."
            operation, verb = _ACTIONS[action]
            goal = self._invoke(operation, path, body={})
            return f"You {verb} “{goal['title']}”."

        return self._submit(self.goals, f"{action}-{goal_id}", form, act)

    def explain_goal(self, goal_id: str) -> Page:
        """Why my goal shows the progress it does: the entries that shaped it."""
        found = self._invoke("explainGoal", {"goal_id": goal_id})
        return Page("motivekit/explain.html", {"what": "goal", "lines": found["lines"]})

    # -- skills -----------------------------------------------------------------------------

    def _challenges(self, track: str) -> list[dict[str, Any]]:
        candidates = None if self.candidates is None else self.candidates(self.user, track)
        if not candidates:
            return []
        try:
            found = self._invoke(
                "nextChallenges", {"track_id": track}, query={"candidates": candidates}
            )
        except ApiProblem as problem:  # the host's candidates: its log says why, the page stays
            _log.warning("next challenges for %s: %s", track, problem.detail)
            return []
        link = self.challenge_link or (lambda item: (item, None))
        shown = []
        for challenge in found["challenges"]:
            label, url = link(challenge["id"])
            shown.append({**challenge, "label": label, "url": url})
        return shown

    def skills(self) -> Page:
        """My skills: level, evidence, next challenges and the band I set."""
        skills = self._invoke("listSkills")["skills"]
        challenges = {s["track"]: self._challenges(s["track"]) for s in skills}
        forms = frozenset(f"band-{s['track']}" for s in skills)
        return Page("motivekit/skills.html", {"skills": skills, "challenges": challenges}, forms)

    def set_band(self, track_id: str, form: Form) -> Posted | Page:
        """Set (``band_0``/``band_1`` in percent) or reset (``reset``) the band of
        predicted success one's next challenges aim for."""

        def act() -> str:
            band = None
            if not form.get("reset"):
                band = [percent(form.get("band_0")), percent(form.get("band_1"))]
            self._invoke("setBand", {"track_id": track_id}, body={"band": band})
            return "Your challenge band is saved."

        return self._submit(self.skills, f"band-{track_id}", form, act)

    def explain_skill(self, track_id: str) -> Page:
        """Why my skill reads as it does: the evidence behind it."""
        found = self._invoke("explainSkill", {"track_id": track_id})
        return Page("motivekit/explain.html", {"what": "skill", "lines": found["lines"]})

    # -- impact, missions -------------------------------------------------------------------

    def impact(self, cursor: str | None = None) -> Page:
        """My impact: stories of who my contributions helped, a page at a time."""
        feed = self._invoke("impactFeed", query=drop_none({"cursor": cursor or None}))
        return Page("motivekit/impact.html", {"feed": feed, "explained": None})

    def impact_why(self, entry_id: str) -> Page:
        """Why one story is in my feed: the events behind it."""
        explained = self._invoke("explainImpact", {"entry_id": entry_id})
        return Page("motivekit/impact.html", {"feed": None, "explained": explained})

    def missions(self) -> Page:
        """The collective missions: the group's progress and my part."""
        return Page(
            "motivekit/missions.html", {"missions": self._invoke("listMissions")["missions"]}
        )

    # -- settings ---------------------------------------------------------------------------

    def settings(self) -> Page:
        """My settings: consent per mechanic, how I am named in others' stories."""
        consent = self._invoke("getConsent")["mechanics"]
        preferences = self._invoke("getImpactPreferences")
        return Page(
            "motivekit/settings.html",
            {"consent": consent, "preferences": preferences},
            frozenset({"settings"}),
        )

    def save_settings(self, form: Form) -> Posted | Page:
        """Save the choices that changed (``consent_<mechanic>`` on/off, ``visibility``);
        each is its own journal entry."""

        def act() -> str:
            current = {m["mechanic"]: m["enabled"] for m in self._invoke("getConsent")["mechanics"]}
            for mechanic in MECHANICS:
                chosen = form.get(f"consent_{mechanic}")
                if chosen is None:
                    continue
                enabled: Any = {"on": True, "off": False}.get(chosen, chosen)
                if enabled != current.get(mechanic):
                    self._invoke("setConsent", {"mechanic": mechanic}, body={"enabled": enabled})
            visibility = text(form, "visibility")
            if visibility is not None:
                self._invoke("setImpactPreferences", body={"visibility": visibility})
            return "Your settings are saved."

        return self._submit(self.settings, "settings", form, act)

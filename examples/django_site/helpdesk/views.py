"""The help desk's views. Each write records what happened with motivekit inside the same
``transaction.atomic()`` as the site's own rows: both are kept, or neither."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from helpdesk.models import Answer, Question, Thanks
from motivekit import Event, MotivekitError
from motivekit_django import get_kit, user_id_of


def _see_other(name: str, *args: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name, args=args), status=303)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The questions, each with how many answers it has."""
    questions = Question.objects.annotate(answered=Count("answers")).order_by("pk")
    return render(request, "helpdesk/home.html", {"questions": questions})


def _question_page(request: HttpRequest, question: Question, **extra: Any) -> dict[str, Any]:
    thanked = set()
    if request.user.is_authenticated:
        thanked = set(
            Thanks.objects.filter(by=request.user, answer__question=question).values_list(
                "answer_id", flat=True
            )
        )
    answers = question.answers.select_related("author")
    return {"question": question, "answers": answers, "thanked": thanked, **extra}


@require_safe
def question(request: HttpRequest, pk: int) -> HttpResponse:
    """A question, its answers, and a form to answer it."""
    found = get_object_or_404(Question, pk=pk)
    return render(request, "helpdesk/question.html", _question_page(request, found))


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Post an answer: the row and ``answer.posted`` in one transaction."""
    found = get_object_or_404(Question, pk=pk)
    body = request.POST.get("body", "").strip()
    if not body:
        context = _question_page(request, found, error="Write your answer before posting it.")
        return render(request, "helpdesk/question.html", context, status=422)
    with transaction.atomic():
        posted = Answer.objects.create(question=found, author=request.user, body=body)
        get_kit().record(
            Event(
                f"answer-{posted.pk}",
                "answer.posted",
                str(user_id_of(request)),
                data={"answer_id": f"a{posted.pk}"},
            )
        )
    messages.success(request, "Your answer is posted. Thank you for helping.")
    return _see_other("question", found.pk)


@require_POST
@login_required
def helpful(request: HttpRequest, pk: int) -> HttpResponse:
    """Say an answer helped: the author's impact story, and evidence of their skill."""
    found = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    if found.author_id == request.user.pk:
        return HttpResponseForbidden("You cannot thank yourself for your own answer.")
    me, author = str(user_id_of(request)), str(user_id_of(found.author))
    with transaction.atomic():
        _, created = Thanks.objects.get_or_create(answer=found, by=request.user)
        if created:
            get_kit().record_many(
                [
                    Event(
                        f"helpful-{found.pk}-{me}",
                        "answer.marked_helpful",
                        me,
                        data={"answer_id": f"a{found.pk}"},
                    ),
                    Event(
                        f"reviewed-{found.pk}-{me}",
                        "answer.reviewed",
                        author,
                        data={"helpful": True, "difficulty": found.question.difficulty},
                    ),
                ]
            )
    messages.success(request, "Thank you: the author will see that their answer helped you.")
    return _see_other("question", found.question.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def audit(request: HttpRequest) -> HttpResponse:
    """The audit log: its size, public key and latest checkpoint; sign it, verify it."""
    kit = get_kit()
    report, failure = None, None
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "checkpoint":
        kit.audit.checkpoint()
        messages.success(request, "The log is signed as it is now.")
        return _see_other("audit")
    if action == "verify":
        try:
            report = kit.audit.verify()
        except MotivekitError as exc:
            failure = str(exc)
    size, _ = kit.audit.head()
    context = {
        "size": size,
        "keys": [str(v) for v in kit.audit.verifiers],
        "latest": kit.audit.latest(),
        "report": report,
        "failure": failure,
    }
    return render(request, "helpdesk/audit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Make an account (Django's own form) and sign in with it."""
    form = UserCreationForm(request.POST or None, label_suffix="")
    if request.method == "POST":
        if form.is_valid():
            login(request, form.save())
            messages.success(request, f"Welcome, {request.user.get_username()}.")
            return _see_other("home")
        return render(request, "registration/signup.html", {"form": form}, status=422)
    return render(request, "registration/signup.html", {"form": form})

"""Users to motivekit ids: ``str(user.pk)`` by default, with the project's custom user
model (UUID keys); a ``USER_ID`` hook by dotted path; anonymous visitors are nobody."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings

from motivekit_django import user_id_of
from motivekit_django.identity import IdentityError, default_user_id


@pytest.fixture
def ada() -> object:
    return get_user_model().objects.create_user(username="ada", password="pw")


@pytest.mark.django_db
def test_the_default_is_the_primary_key_of_the_custom_user_model(ada: object) -> None:
    request = RequestFactory().get("/")
    request.user = ada  # type: ignore[assignment]
    pk = str(ada.pk)  # type: ignore[attr-defined]
    assert len(pk) == 36
    assert "-" in pk
    assert user_id_of(request) == pk
    assert user_id_of(ada) == pk
    assert default_user_id(ada) == pk


def test_anonymous_visitors_and_requests_without_auth_middleware_are_nobody() -> None:
    request = RequestFactory().get("/")
    assert user_id_of(request) is None  # no request.user at all
    request.user = AnonymousUser()
    assert user_id_of(request) is None
    assert default_user_id(AnonymousUser()) is None
    assert default_user_id(None) is None


@pytest.mark.django_db
def test_a_user_id_hook_by_dotted_path_replaces_the_default(ada: object) -> None:
    with override_settings(MOTIVEKIT={"USER_ID": "tests.django.hooks.by_username"}):
        assert user_id_of(ada) == "u-ada"
    assert user_id_of(ada) == str(ada.pk)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_hook_given_as_a_callable_is_never_called_for_anonymous_visitors(ada: object) -> None:
    seen: list[object] = []

    def hook(user: object) -> str:
        seen.append(user)
        return "someone"

    with override_settings(MOTIVEKIT={"USER_ID": hook}):
        assert user_id_of(AnonymousUser()) is None
        assert user_id_of(ada) == "someone"
    assert seen == [ada]


@pytest.mark.django_db
def test_a_hook_returning_no_user_id_is_named_with_what_to_return(ada: object) -> None:
    with (
        override_settings(MOTIVEKIT={"USER_ID": "tests.django.hooks.a_number"}),
        pytest.raises(
            IdentityError,
            match=r'^MOTIVEKIT\["USER_ID"\] \(a_number\) returned 42 \(int\) for user UUID\(.*\); '
            r"return the person's motivekit id as a non-empty str",
        ),
    ):
        user_id_of(ada)

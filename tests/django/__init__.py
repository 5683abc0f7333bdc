"""The Django app's tests (pytest-django; the test project is ``tests.django.settings``)."""

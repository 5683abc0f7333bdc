"""The admin: motivekit's history, read-only, and a check that the audit log verifies.

The journal, goals, skills, impact items and checkpoints are listed through the read-only
views of ``models.EntryRow`` and the others (Django's admin cannot show a model with a
composite primary key). Nobody can add, change or delete a row here, a superuser
included: history is changed only by recording, and a changed row would fail the audit.
"Verify the audit log" (an action on the journal and the checkpoints, and a button on
their lists) runs ``kit.audit.verify()`` on the project's log and says what it found.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from motivekit import MotivekitError
from motivekit._time import from_micros
from motivekit_django.models import CheckpointRow, EntryRow, GoalRow, ImpactItemRow, SkillRow

__all__ = ["verify_audit_log"]

if TYPE_CHECKING:  # django-stubs' ModelAdmin is generic; Django's is not subscriptable
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


def _when(micros: int | None) -> str:
    return "" if micros is None else from_micros(micros).isoformat()


def verify_audit_log(request: HttpRequest) -> None:
    """Verify the project's audit log and tell the user what was found."""
    from motivekit_django.kit import get_kit

    try:
        kit = get_kit()
        if not kit.audit.signers:
            messages.warning(
                request,
                "The audit log was not verified: no signing key is configured, so its "
                'checkpoints cannot be checked. Set MOTIVEKIT["SIGNING_KEY_FILE"] to the key '
                "that signs them, or verify with the public key: python manage.py "
                'motivekit_audit_verify --key "<public key>".',
            )
            return
        report = kit.audit.verify()
    except MotivekitError as exc:
        messages.error(request, f"The audit log does not verify: {type(exc).__name__}: {exc}")
        return
    latest = report.latest
    signed = (
        "no checkpoint is signed yet"
        if latest is None
        else f"{report.checkpoints} signed checkpoints, the newest at size {latest.checkpoint.size}"
    )
    messages.success(
        request,
        f"The audit log verifies: {report.size} entries, every one where the Merkle tree "
        f"says, {signed}.",
    )


@admin.action(description="Verify the audit log (all of it, whatever is selected)")
def _verify_action(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    verify_audit_log(request)


class _ReadOnly(_ModelAdmin):
    """Lists and shows rows; adds, changes and deletes nothing."""

    list_per_page = 100
    show_full_result_count = False
    actions: Any = ()
    key_fields: tuple[str, ...] = ()
    """The fields of the table's primary key, in the order of the view's ``key``."""

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        """The row whose ``key`` is ``object_id``, found by its primary key's columns (an
        index lookup; the view's computed ``key`` would be a scan). None for a key that
        is not one (the admin then says the row does not exist)."""
        if from_field is not None:
            return super().get_object(request, object_id, from_field)
        try:
            values = json.loads(object_id)
        except ValueError:
            return None
        if not isinstance(values, list) or len(values) != len(self.key_fields):
            return None
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            return None
        found = self.get_queryset(request).filter(**dict(zip(self.key_fields, values, strict=True)))
        return found.first()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [f.name for f in self.model._meta.fields if f.name != "key"] + list(
            self.readonly_fields
        )


class _Verifies(_ReadOnly):
    """A list with the "verify the audit log" action and button."""

    actions: Any = (_verify_action,)
    change_list_template = "admin/motivekit/verify_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        meta = self.model._meta
        verify = self.admin_site.admin_view(self.verify_view)
        name = f"{meta.app_label}_{meta.model_name}_verify"
        return [path("verify/", verify, name=name), *super().get_urls()]

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            messages.error(request, "You may not see the audit log.")
        else:
            verify_audit_log(request)
        meta = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))


@admin.register(EntryRow)
class JournalAdmin(_Verifies):
    key_fields = ("tenant", "seq")
    list_display = ("seq", "tenant", "type", "name", "event_id", "subject", "recorded")
    list_filter = ("tenant", "type")
    search_fields = ("=event_id", "=subject")
    ordering = ("tenant", "-seq")
    readonly_fields = ("recorded", "leaf", "canonical_entry")
    exclude = ("entry", "leaf_hash")

    @admin.display(description="recorded at", ordering="recorded_at")
    def recorded(self, row: EntryRow) -> str:
        return _when(row.recorded_at)

    @admin.display(description="leaf hash")
    def leaf(self, row: EntryRow) -> str:
        return bytes(row.leaf_hash).hex()

    @admin.display(description="entry (its canonical bytes)")
    def canonical_entry(self, row: EntryRow) -> str:
        return bytes(row.entry).decode("utf-8", errors="replace")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        shown = [
            f.name for f in EntryRow._meta.fields if f.name not in ("key", "entry", "leaf_hash")
        ]
        return [*shown, *self.readonly_fields]


@admin.register(GoalRow)
class GoalAdmin(_ReadOnly):
    key_fields = ("tenant", "goal_id")
    list_display = ("title", "owner", "status", "event_kind", "total", "tenant", "updated")
    list_filter = ("tenant", "status", "visibility")
    search_fields = ("=owner", "=goal_id")
    ordering = ("tenant", "owner", "-updated_at")
    readonly_fields = ("updated",)

    @admin.display(description="updated at", ordering="updated_at")
    def updated(self, row: GoalRow) -> str:
        return _when(row.updated_at)


@admin.register(SkillRow)
class SkillAdmin(_ReadOnly):
    key_fields = ("tenant", "user_id", "track")
    list_display = ("user_id", "track", "level", "evidence", "p_known", "theta", "tenant")
    list_filter = ("tenant", "track")
    search_fields = ("=user_id",)
    ordering = ("tenant", "user_id", "track")


@admin.register(ImpactItemRow)
class ImpactAdmin(_ReadOnly):
    key_fields = ("tenant", "seq", "n")
    list_display = ("seq", "n", "recipient", "beneficiary", "root", "depth", "share", "tenant")
    list_filter = ("tenant", "depth")
    search_fields = ("=recipient", "=beneficiary")
    ordering = ("tenant", "-seq", "n")


@admin.register(CheckpointRow)
class CheckpointAdmin(_Verifies):
    key_fields = ("tenant", "size")
    list_display = ("size", "origin", "tenant", "created")
    list_filter = ("tenant",)
    ordering = ("tenant", "-size")
    readonly_fields = ("created",)

    @admin.display(description="log (origin)")
    def origin(self, row: CheckpointRow) -> str:
        return row.note.split("\n", 1)[0]

    @admin.display(description="signed at", ordering="created_at")
    def created(self, row: CheckpointRow) -> str:
        return _when(row.created_at)

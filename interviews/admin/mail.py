"""The outbox: what the site sent, what waits for a retry, what failed and why."""

from django.contrib import admin, messages

from .. import services
from ..models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "key",
        "kind",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "invitation",
        "headers",
        "body_text",
    ]
    fields = readonly_fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only, but the editors' changelist actions need the permission to view.
        return False

    @admin.action(description="Retry sending the selected emails", permissions=["view"])
    def retry(self, request, queryset):
        count = services.retry_emails(queryset)
        messages.success(request, f"{count} email(s) queued again; the worker sends them shortly.")

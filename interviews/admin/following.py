"""Readers who follow the site by email.

Editors see addresses and what each follows, and may delete one (an
address asking to be forgotten); they cannot add one, since only its owner
can confirm it. How many follow each item is on the dashboard.
"""

from django.contrib import admin

from ..models import Subscriber


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Waiting for confirmation")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.confirmed()
        if self.value() == "no":
            return queryset.unconfirmed()
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "follows_all", "confirmed_at", "created_at"]
    list_filter = [ConfirmedFilter, "frequency", "follows_all"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "frequency",
        "follows_all",
        "questions",
        "lessons",
        "mentors",
        "confirmed_at",
        "requested_at",
        "last_digest_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing only: what an address follows is its owner's choice.
        return False

"""Invitations and nominations."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from .. import services
from ..forms import InviteMentorForm
from ..models import Invitation, Nomination


def announce_link(request, invitation, email):
    """Tell the editor the link is on its way (the outbox shows when it went), and show it."""
    state = "queued for emailing to" if email else "NOT emailed (no address) to"
    messages.success(
        request,
        format_html(
            'Invitation {} {}. Personal link: <a href="{}">{}</a>',
            state,
            invitation.email,
            invitation.link,
            invitation.link,
        ),
    )


class InvitationStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Invitation.State.choices

    def queryset(self, request, queryset):
        if self.value() in Invitation.State.values:
            return queryset.filter(Invitation.in_state(self.value()))
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "mentor",
        "interview_status",
        "state",
        "expires_at",
        "last_sent_at",
        "last_opened_at",
    ]
    list_filter = [InvitationStateFilter, "interview__status"]
    list_select_related = ["interview__mentor"]
    search_fields = ["email", "interview__mentor__name"]
    readonly_fields = [
        "personal_link",
        "interview",
        "email",
        "note",
        "expires_at",
        "revoked_at",
        "created_by",
        "last_sent_at",
        "last_opened_at",
        "created_at",
    ]
    actions = ["renew_and_resend", "revoke"]

    def has_change_permission(self, request, obj=None):
        return False  # invitations are created, renewed and revoked, never edited

    @admin.display(description="personal link")
    def personal_link(self, obj):
        if obj.state != Invitation.State.ACTIVE:
            return f"Not usable ({obj.state.label.lower()}): send a new link from the list."
        return format_html('<a href="{}">{}</a>', obj.link, obj.link)

    def add_view(self, request, form_url="", extra_context=None):
        """ "Invite a mentor": creates the mentor, a draft interview and the link, and emails it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteMentorForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            invitation, sent = services.invite(
                name=data["name"],
                email=data["email"],
                days=data["days"],
                note=data["note"],
                created_by=request.user,
            )
            self.log_addition(request, invitation, [{"added": {}}])
            announce_link(request, invitation, sent)
            return redirect("admin:interviews_invitation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Invite a mentor",
            "form": form,
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/interviews/invitation/invite.html", context)

    @admin.display(ordering="interview__mentor__name")
    def mentor(self, obj):
        return obj.interview.mentor.name

    @admin.display(description="interview", ordering="interview__status")
    def interview_status(self, obj):
        return obj.interview.get_status_display()

    @admin.display(description="state")
    def state(self, obj):
        return obj.state.label

    @admin.action(description="Send a new link (the old one stops working)")
    def renew_and_resend(self, request, queryset):
        for invitation in queryset.select_related("interview__mentor"):
            announce_link(request, invitation, services.renew_invitation(invitation))

    @admin.action(description="Revoke the link")
    def revoke(self, request, queryset):
        for invitation in queryset:
            invitation.revoke()
        self.message_user(request, f"Revoked {queryset.count()} invitation(s).")


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "role", "company", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "company", "pitch"]
    readonly_fields = ["client_address", "created_at", "invitation"]
    actions = ["invite", "decline"]

    @admin.action(description="Invite the selected people (emails each a personal link)")
    def invite(self, request, queryset):
        for nomination in queryset.filter(status=Nomination.Status.NEW):
            announce_link(request, *services.invite_nominee(nomination, by=request.user))
        skipped = (
            queryset.exclude(status=Nomination.Status.INVITED)
            .exclude(status=Nomination.Status.NEW)
            .count()
        )
        if skipped:
            self.message_user(
                request, f"Skipped {skipped} declined nomination(s).", messages.WARNING
            )

    @admin.action(description="Decline the selected nominations")
    def decline(self, request, queryset):
        count = queryset.filter(status=Nomination.Status.NEW).update(
            status=Nomination.Status.DECLINED
        )
        self.message_user(request, f"Declined {count} nomination(s).")

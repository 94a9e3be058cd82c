"""The editors' admin: every model, with lists that load in a fixed number of queries."""

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from . import emails
from .forms import ImportInterviewsForm, InviteMentorForm
from .importing import ImportOptions, import_files
from .importing.parsing import MAX_FILE_BYTES
from .models import (
    Answer,
    Interview,
    Invitation,
    Lesson,
    Mentor,
    Nomination,
    Question,
    TaggedAnswer,
)


class InterviewInline(admin.TabularInline):
    model = Interview
    fields = ["status", "published_at", "source", "updated_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "company", "email", "updated_at"]
    search_fields = ["name", "role", "company", "email", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [InterviewInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "company", "bio"]}),
        ("Links", {"fields": ["website", "linkedin", "github", "x"]}),
        ("Photo", {"fields": ["photo", "photo_credit"]}),
        ("Private", {"fields": ["email"]}),
    ]


class QuestionForm(forms.ModelForm):
    # One wording per line: wordings contain commas, the default delimiter.
    alternative_texts = SimpleArrayField(
        forms.CharField(),
        delimiter="\n",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Older or other phrasings, one per line; used to match imported text.",
    )

    class Meta:
        model = Question
        fields = [
            "text",
            "title",
            "slug",
            "position",
            "help_text",
            "is_standard",
            "is_active",
            "alternative_texts",
        ]

    def clean_alternative_texts(self):
        return [text.strip() for text in self.cleaned_data["alternative_texts"] if text.strip()]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ["position", "title", "is_standard", "is_active", "published_answers"]
    list_display_links = ["title"]
    list_editable = ["position"]
    list_filter = ["is_standard", "is_active"]
    search_fields = ["title", "text", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["-is_standard", "position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_answer_counts()

    @admin.display(description="published answers", ordering="answer_count")
    def published_answers(self, obj):
        return obj.answer_count


class AnswerInline(admin.StackedInline):
    model = Answer
    fields = ["question", "body", "tags"]
    extra = 0
    autocomplete_fields = ["question"]
    ordering = ["question__position", "question__pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question").prefetch_related("tags")


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "mentor",
        "status",
        "source",
        "published_at",
        "answers",
        "updated_at",
    ]
    list_filter = ["status", "source"]
    list_select_related = ["mentor"]
    search_fields = ["mentor__name", "mentor__company", "intro"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["mentor"]
    fields = ["mentor", "status", "published_at", "source", "intro", "view_on_site_link"]
    readonly_fields = ["view_on_site_link"]
    inlines = [AnswerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("answers"))

    @admin.display(ordering="answer_count")
    def answers(self, obj):
        return obj.answer_count

    @admin.display(description="On the site")
    def view_on_site_link(self, obj):
        if obj.pk and obj.is_public:
            return format_html(
                '<a href="{}">{}</a>', obj.get_absolute_url(), "View the public page"
            )
        return "Not public until published."

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_view)
        return [
            path("import/", import_view, name="interviews_interview_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """ "Import interviews": what `import_interviews` does, for uploaded files."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportInterviewsForm()
        report = None
        if request.method == "POST":
            form = ImportInterviewsForm(request.POST, request.FILES)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            # One byte past the limit is enough for the importer to call it too large.
            sources = [(upload.name, upload.read(MAX_FILE_BYTES + 1)) for upload in data["files"]]
            options = ImportOptions(
                mentor=data["mentor"],
                role=data["role"],
                publish=data["publish"],
                dry_run=data["dry_run"],
            )
            report = import_files(sources, options)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import interviews",
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/interviews/interview/import.html", context)


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mentor_name", "question", "interview_status", "lesson_list"]
    list_filter = ["question", "interview__status", "tags"]
    list_select_related = ["interview__mentor", "question"]
    search_fields = ["body", "interview__mentor__name", "question__title"]
    autocomplete_fields = ["interview", "question"]
    fields = ["interview", "question", "body", "tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="mentor", ordering="interview__mentor__name")
    def mentor_name(self, obj):
        return obj.interview.mentor.name

    @admin.display(description="status", ordering="interview__status")
    def interview_status(self, obj):
        return obj.interview.get_status_display()

    @admin.display(description="lessons")
    def lesson_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())


class TaggedAnswerInline(admin.TabularInline):
    model = TaggedAnswer
    fields = ["content_object"]
    raw_id_fields = ["content_object"]
    extra = 0


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "answers"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TaggedAnswerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("tagged_answers"))

    @admin.display(ordering="answer_count")
    def answers(self, obj):
        return obj.answer_count


def announce_link(request, invitation, sent):
    """Tell the editor whether the link was emailed, and show it to pass on."""
    state = "emailed to" if sent else "NOT emailed (see the server log) to"
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
        now = timezone.now()
        if self.value() == Invitation.State.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == Invitation.State.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == Invitation.State.ACTIVE:
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
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

    def add_view(self, request, form_url="", extra_context=None):
        """ "Invite a mentor": creates the mentor, a draft interview and the link, and emails it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = InviteMentorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            invitation = Invitation.create_for(
                name=data["name"],
                email=data["email"],
                days=data["days"],
                note=data["note"],
                created_by=request.user,
                mentor=data["mentor"],
            )
            self.log_addition(request, invitation, [{"added": {}}])
            announce_link(request, invitation, emails.send_invitation(invitation))
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
            invitation.renew()
            announce_link(request, invitation, emails.send_invitation(invitation))

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
            invitation = nomination.invite(created_by=request.user)
            announce_link(request, invitation, emails.send_invitation(invitation))
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

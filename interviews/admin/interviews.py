"""Interviews and answers: editing, the workflow, revisions, previews."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import services
from ..forms import RevisitForm
from ..models import TRANSITIONS, Answer, Interview, InterviewEvent, InvalidTransition, Revision
from .collecting import announce_link
from .importing import import_view


class InterviewAdminForm(forms.ModelForm):
    """Refuses to save over changes made since the form was opened.

    The form carries the version it was opened at; every save of an
    interview (an editor's, the mentor's, a workflow step) bumps it.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Interview
        fields = ["mentor", "source", "license", "intro"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        # A change without the version it was opened at is treated as stale.
        if self.instance.pk:
            current = (
                Interview.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != loaded:
                raise ValidationError(conflict_message(self.instance), code="conflict")
        return cleaned


def conflict_message(interview):
    latest = Interview.objects.get(pk=interview.pk)
    entry = (
        LogEntry.objects.filter(object_id=str(interview.pk), content_type__model="interview")
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    who = (
        entry.user.get_username()
        if entry and abs((entry.action_time - latest.updated_at).total_seconds()) < 5
        else "the mentor or a workflow step"
    )
    return (
        f"Not saved: this interview was changed by {who} at "
        f"{latest.updated_at:%H:%M:%S} (UTC), after you opened it. Saving now would overwrite "
        "those changes. Copy anything you need from this page, then reload it to edit the latest version."
    )


class AnswerInline(admin.StackedInline):
    model = Answer
    fields = ["question", "body", "tags"]
    extra = 0
    autocomplete_fields = ["question"]
    ordering = ["question__position", "question__pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question").prefetch_related("tags")


class InterviewEventInline(admin.TabularInline):
    """The audit trail: every transition with who, when and why."""

    model = InterviewEvent
    verbose_name = "history entry"
    verbose_name_plural = "History"
    fields = ["created_at", "action", "from_status", "to_status", "who", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="by")
    def who(self, event):
        return event.actor_label


class TransitionForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))

    def __init__(self, transition, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = transition.note_label
        self.fields["note"].required = transition.note_required


def transition_action(name):
    """A bulk admin action for one workflow step (confirmation page first)."""
    transition = TRANSITIONS[name]

    def action(modeladmin, request, queryset):
        return modeladmin.run_transition(
            request, list(queryset.select_related("mentor")), transition
        )

    action.__name__ = f"{name}_selected"
    return admin.action(description=f"{transition.label}: the selected interviews")(action)


class PendingEditsFilter(admin.SimpleListFilter):
    title = "edits after publishing"
    parameter_name = "edits"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for review")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(revisions__status=Revision.Status.SUBMITTED)
        return queryset


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    form = InterviewAdminForm
    change_form_template = "admin/interviews/interview/change_form.html"
    list_display = [
        "__str__",
        "mentor",
        "status",
        "source",
        "submitted_at",
        "published_at",
        "answers",
        "edits_waiting",
    ]
    list_filter = ["status", PendingEditsFilter, "source", "license"]
    list_select_related = ["mentor"]
    search_fields = ["mentor__name", "mentor__company", "intro"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["mentor"]
    fields = [
        "mentor",
        "status",
        "published_at",
        "submitted_at",
        "source",
        "license",
        "intro",
        "loaded_version",
    ]
    readonly_fields = ["status", "published_at", "submitted_at"]
    inlines = [AnswerInline, InterviewEventInline]
    actions = [transition_action(name) for name in TRANSITIONS]

    class Media:
        js = ["admin/interviews/editor.js"]
        css = {"all": ["admin/interviews/editor.css"]}

    def get_queryset(self, request):
        waiting = Revision.objects.filter(
            interview=OuterRef("pk"), status=Revision.Status.SUBMITTED
        )
        return (
            super()
            .get_queryset(request)
            .annotate(answer_count=Count("answers"), has_edits=Exists(waiting))
        )

    @admin.display(ordering="answer_count")
    def answers(self, obj):
        return obj.answer_count

    @admin.display(description="edits waiting", boolean=True, ordering="has_edits")
    def edits_waiting(self, obj):
        return obj.has_edits

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/step/<str:name>/",
                view(self.transition_view),
                name="interviews_interview_transition",
            ),
            path(
                "<path:object_id>/edits/",
                view(self.revision_view),
                name="interviews_interview_revision",
            ),
            path(
                "<path:object_id>/revisit/",
                view(self.revisit_view),
                name="interviews_interview_revisit",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="interviews_interview_preview",
            ),
            path("import/", view(self.import_view), name="interviews_interview_import"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        interview = self.get_object(request, object_id)
        extra = {}
        if interview is not None:
            extra = {
                "transitions": interview.allowed_transitions(),
                "pending_revision": interview.revisions.filter(
                    status=Revision.Status.SUBMITTED
                ).first(),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _interview_or_404(self, request, object_id):
        interview = self.get_object(request, object_id)
        if interview is None:
            raise Http404("No such interview.")
        if not self.has_change_permission(request, interview):
            raise PermissionDenied
        return interview

    def transition_view(self, request, object_id, name):
        """The button for one workflow step: confirm, give the reason, apply."""
        interview = self._interview_or_404(request, object_id)
        if name not in TRANSITIONS:
            raise Http404("No such step.")
        return self.run_transition(request, [interview], TRANSITIONS[name], single=True)

    def run_transition(self, request, interviews, transition, single=False):
        form = TransitionForm(transition, request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            note = form.cleaned_data["note"]
            for interview in interviews:
                try:
                    services.apply_step(interview, transition.name, by=request.user, note=note)
                except InvalidTransition as exc:
                    self.message_user(request, f"{interview.mentor}: {exc}", messages.ERROR)
                else:
                    self.log_change(request, interview, f"{transition.label}. {note}".strip())
                    self.message_user(
                        request, f"{interview.mentor}: {transition.label.lower()} done."
                    )
            if single:
                return redirect("admin:interviews_interview_change", interviews[0].pk)
            return None  # back to the list
        context = {
            **self.admin_site.each_context(request),
            "title": f"{transition.label}?",
            "opts": self.model._meta,
            "transition": transition,
            "interviews": interviews,
            "form": form,
            "single": single,
            "action_name": f"{transition.name}_selected",
        }
        return TemplateResponse(request, "admin/interviews/interview/transition.html", context)

    def revision_view(self, request, object_id):
        """The mentor's edits side by side with the published text: approve or decline."""
        interview = self._interview_or_404(request, object_id)
        revision = interview.revisions.filter(status=Revision.Status.SUBMITTED).first()
        if revision is None:
            self.message_user(request, "There are no edits waiting for review.", messages.WARNING)
            return redirect("admin:interviews_interview_change", interview.pk)
        if request.method == "POST":
            note = request.POST.get("note", "").strip()
            decision = request.POST.get("decision")
            if decision == "approve":
                services.approve_revision(revision, by=request.user, note=note)
                self.message_user(request, "The edits are approved and live on the site.")
            elif decision == "decline":
                services.decline_revision(revision, by=request.user, note=note)
                self.message_user(
                    request, "The edits are declined; the published text is unchanged."
                )
            else:
                raise Http404("No such decision.")
            self.log_change(request, interview, f"Edits {revision.status}. {note}".strip())
            return redirect("admin:interviews_interview_change", interview.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Edits by {interview.mentor}",
            "opts": self.model._meta,
            "interview": interview,
            "revision": revision,
            "changes": revision.changes(),
        }
        return TemplateResponse(request, "admin/interviews/interview/revision.html", context)

    def revisit_view(self, request, object_id):
        """Ask a published mentor to revisit chosen questions: their link, and an
        email naming them; what they send comes back as edits to review."""
        interview = self._interview_or_404(request, object_id)
        if not interview.is_public:
            self.message_user(
                request, "Only a published interview can be revisited.", messages.WARNING
            )
            return redirect("admin:interviews_interview_change", interview.pk)
        open_revision = interview.revisions.filter(status__in=Revision.OPEN).first()
        form = RevisitForm(interview, request.POST if request.method == "POST" else None)
        if open_revision is None and form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                revision, email = services.ask_to_revisit(
                    interview,
                    list(data["questions"]),
                    email=data["email"],
                    note=data["note"].strip(),
                    days=data["days"],
                    by=request.user,
                )
            except InvalidTransition as exc:  # a revision opened meanwhile
                form.add_error(None, str(exc))
            else:
                titles = ", ".join(q.title for q in data["questions"])
                self.log_change(request, interview, f"Asked to revisit: {titles}")
                announce_link(request, revision.interview.invitation, email)
                return redirect("admin:interviews_interview_change", interview.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Ask {interview.mentor} to revisit questions",
            "opts": self.model._meta,
            "interview": interview,
            "form": form,
            "open_revision": open_revision,
        }
        return TemplateResponse(request, "admin/interviews/interview/revisit.html", context)

    def import_view(self, request):
        return import_view(self, request)

    def preview_view(self, request, object_id):
        """The interview as readers would see it, whatever its status (staff only)."""
        interview = self._interview_or_404(request, object_id)
        answers = interview.answers.select_related("question").prefetch_related("tags")
        return TemplateResponse(
            request,
            "interviews/mentor_detail.html",
            {
                "interview": interview,
                "mentor": interview.mentor,
                "answers": answers.order_by("question__position", "question__pk"),
                "preview": True,
                "change_url": reverse("admin:interviews_interview_change", args=[interview.pk]),
            },
        )


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    change_form_template = "admin/interviews/answer/change_form.html"
    list_display = ["__str__", "mentor_name", "question", "interview_status", "lesson_list"]
    list_filter = ["question", "interview__status", "tags"]
    list_select_related = ["interview__mentor", "question"]
    search_fields = ["body", "interview__mentor__name", "question__title"]
    autocomplete_fields = ["interview", "question"]
    fields = ["interview", "question", "body", "tags"]

    class Media:
        js = ["admin/interviews/editor.js"]
        css = {"all": ["admin/interviews/editor.css"]}

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

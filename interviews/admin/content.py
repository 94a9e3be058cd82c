"""Mentors and the question set."""

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..importing import normalise
from ..models import Answer, Interview, Mentor, Question


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
    list_filter = ["interviews__status", "interviews__source"]
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
    readonly_fields = ["wordings_in_use"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_answer_counts()

    @admin.display(description="wordings imported answers used")
    def wordings_in_use(self, obj):
        """Each wording other than the question's own, with the interviews whose files used it:
        what an editor checks before changing or removing an alternative wording."""
        if obj.pk is None:
            return "-"
        answers = (
            Answer.objects.filter(question=obj)
            .exclude(asked_as="")
            .select_related("interview__mentor")
            .order_by("interview__mentor__name")
        )
        used = {}
        for answer in answers:
            used.setdefault(normalise(answer.asked_as), (answer.asked_as, []))[1].append(answer)
        if not used:
            return "None yet: every imported answer used the question's own wording."
        items = ((wording, interview_links(answers)) for wording, answers in used.values())
        return format_html("<ul>{}</ul>", format_html_join("", "<li>“{}”: {}</li>", items))

    @admin.display(description="published answers", ordering="answer_count")
    def published_answers(self, obj):
        return obj.answer_count


def interview_links(answers):
    """Links to the admin pages of the answers' interviews, by mentor name."""
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (
                reverse("admin:interviews_interview_change", args=[a.interview_id]),
                a.interview.mentor,
            )
            for a in answers
        ),
    )

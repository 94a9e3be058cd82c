"""Mentors and the question set."""

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField

from ..models import Interview, Mentor, Question


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

    def get_queryset(self, request):
        return super().get_queryset(request).with_answer_counts()

    @admin.display(description="published answers", ordering="answer_count")
    def published_answers(self, obj):
        return obj.answer_count

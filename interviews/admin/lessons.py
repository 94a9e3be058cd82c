"""Lessons: counts, renames that keep URLs working, merging."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse

from .. import services
from ..models import Interview, Lesson, LessonRedirect, TaggedAnswer, unique_slug


class TaggedAnswerInline(admin.TabularInline):
    model = TaggedAnswer
    fields = ["content_object"]
    raw_id_fields = ["content_object"]
    extra = 0


class InUseFilter(admin.SimpleListFilter):
    title = "readers see it"
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return [("yes", "Yes: on a published answer"), ("no", "No: hidden from readers")]

    def queryset(self, request, queryset):
        public = Lesson.objects.public().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=public)
        if self.value() == "no":
            return queryset.exclude(pk__in=public)
        return queryset


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["name", "slug"]
        help_texts = {
            "slug": "Renaming updates the slug; the old address keeps working as a redirect.",
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Lesson.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(
                f"There is already a lesson called “{clash.name}”. To combine them, select both "
                "in the list and use the action “Merge the selected lessons”."
            )
        return name

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Lesson.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another lesson uses this slug.")
        return slug


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    list_display = ["name", "slug", "answers", "published_answers", "redirects_from"]
    search_fields = ["name", "slug", "redirects__old_slug"]
    list_filter = [InUseFilter]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TaggedAnswerInline]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate_usage()
            .annotate(
                answer_count=Count(
                    "tagged_answers",
                    filter=Interview.public_filter("tagged_answers__content_object__interview__"),
                ),
                redirect_count=Count("redirects", distinct=True),
            )
        )

    @admin.display(description="answers", ordering="usage")
    def answers(self, obj):
        return obj.usage

    @admin.display(description="published answers", ordering="answer_count")
    def published_answers(self, obj):
        return obj.answer_count

    @admin.display(description="old addresses", ordering="redirect_count")
    def redirects_from(self, obj):
        return obj.redirect_count or ""

    def save_model(self, request, obj, form, change):
        # A renamed lesson takes the slug of its new name unless the editor set one.
        if change and "name" in form.changed_data and "slug" not in form.changed_data:
            obj.slug = unique_slug(Lesson, obj.name, exclude=obj.pk, fallback=obj.slug)
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected lessons into one")
    def merge_selected(self, request, queryset):
        lessons = list(queryset.annotate_usage().order_by("-usage", "name"))
        if len(lessons) < 2:
            self.message_user(request, "Select at least two lessons to merge.", messages.WARNING)
            return None
        if "apply" in request.POST:
            survivor = next((x for x in lessons if str(x.pk) == request.POST.get("survivor")), None)
            if survivor is None:
                self.message_user(request, "Choose the lesson to keep.", messages.ERROR)
            else:
                others = [x for x in lessons if x.pk != survivor.pk]
                moved = services.merge_lessons(survivor, others)
                self.message_user(
                    request,
                    f"Merged {', '.join(x.name for x in others)} into {survivor.name}: "
                    f"{moved} answer(s) moved; the old addresses redirect to {survivor.name}.",
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge lessons",
            "opts": self.model._meta,
            "lessons": lessons,
        }
        return TemplateResponse(request, "admin/interviews/lesson/merge.html", context)


@admin.register(LessonRedirect)
class LessonRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "lesson", "created_at"]
    list_select_related = ["lesson"]
    search_fields = ["old_slug", "lesson__name"]
    autocomplete_fields = ["lesson"]

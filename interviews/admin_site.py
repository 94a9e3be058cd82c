"""The editors' admin site: the stock admin plus a review queue, a dashboard
and two small JSON helpers for the interview form (Markdown preview,
lesson suggestions).

It lives outside the `interviews.admin` package on purpose: importing that
package registers the models on the default site, which would otherwise be
created while its own module is half imported.
"""

from django.contrib import admin
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path

from . import stats
from .markdown import CONTROL_CHARACTERS, render_markdown
from .models import Lesson


class EditorsAdminSite(admin.AdminSite):
    site_header = "Applying ML editors"
    site_title = "Applying ML editors"
    index_title = "Curate interviews"
    index_template = "admin/editors_index.html"

    def get_urls(self):
        extra = [
            path("review/", self.admin_view(self.review_queue), name="review-queue"),
            path("dashboard/", self.admin_view(self.dashboard), name="dashboard"),
            path(
                "markdown-preview/", self.admin_view(self.markdown_preview), name="markdown-preview"
            ),
            path(
                "lesson-suggestions/",
                self.admin_view(self.lesson_suggestions),
                name="lesson-suggestions",
            ),
        ]
        return extra + super().get_urls()

    def index(self, request, extra_context=None):
        return super().index(
            request, {"queue_counts": stats.queue_counts(), **(extra_context or {})}
        )

    def review_queue(self, request):
        context = {**self.each_context(request), "title": "Review queue", **stats.review_queue()}
        return TemplateResponse(request, "admin/review_queue.html", context)

    def dashboard(self, request):
        context = {**self.each_context(request), "title": "Dashboard", **stats.dashboard()}
        return TemplateResponse(request, "admin/dashboard.html", context)

    def markdown_preview(self, request):
        """POST `text`: the sanitized HTML the public page would show."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return JsonResponse({"html": render_markdown(request.POST.get("text", ""))})

    def lesson_suggestions(self, request):
        """Lesson names starting with `q` (then containing it), most used first."""
        term = CONTROL_CHARACTERS.sub("", request.GET.get("q", "")).strip()[:60]
        lessons = Lesson.objects.all()
        if term:
            lessons = lessons.filter(name__icontains=term)
        names = list(
            lessons.annotate_usage().order_by("-usage", "name").values_list("name", flat=True)[:50]
        )
        names.sort(key=lambda name: not name.lower().startswith(term.lower()))
        return JsonResponse({"lessons": names[:10]})

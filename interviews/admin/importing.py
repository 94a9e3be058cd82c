"""The admin's "Import interviews" page: what `import_interviews` does, with a preview first.

1. The editor uploads files (or one zip), or pastes an interview, and gets a
   preview: the importer's report of a dry run, nothing saved.
2. Where the matcher could not place a question, the preview asks: each
   wording once, however many files ask it, with its nearest standard
   questions and their scores, or "keep as a follow-up". A pasted text shows
   each paragraph with where it would go, and where the interview starts and
   ends, which the editor can move.
3. "Import" saves what the preview showed, with those decisions, but only
   once every question is placed; until then it shows the preview again.

Uploaded files wait between the steps in an ImportUpload row, since a file
input cannot be filled in again.
"""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .. import services
from ..forms import ImportInterviewsForm
from ..importing import (
    FOLLOW_UP,
    ImportFileError,
    ImportOptions,
    MappingError,
    QuestionMatcher,
    normalise,
)
from ..importing.pasted import Paste
from ..importing.sources import read_uploads
from ..models import ImportUpload, Question

TEMPLATE = "admin/interviews/interview/import.html"


def import_view(model_admin, request):
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import interviews",
        "opts": model_admin.model._meta,
        "follow_up": FOLLOW_UP,
    }
    if request.method != "POST":
        return TemplateResponse(request, TEMPLATE, {**context, "form": ImportInterviewsForm()})

    form = ImportInterviewsForm(request.POST, request.FILES)
    if not form.is_valid():
        return TemplateResponse(request, TEMPLATE, {**context, "form": form})
    data = form.cleaned_data
    upload, paste = None, None
    if data["files"]:
        upload = ImportUpload.stage(request.user, read_uploads(data["files"]))
    elif data["upload"]:
        upload = ImportUpload.objects.filter(pk=data["upload"], uploaded_by=request.user).first()
        if upload is None and not data["paste"].strip():
            form.add_error("files", "The files of that preview are gone: upload them again.")
            return TemplateResponse(request, TEMPLATE, {**context, "form": form})
    sources = []
    if upload is not None:
        sources = [
            (name, ImportFileError(error) if error else content)
            for name, content, error in upload.sources()
        ]
    elif data["paste"].strip():
        paste = Paste(
            data["paste"],
            paragraph(request.POST.get("paste_start")),
            paragraph(request.POST.get("paste_end")),
        )
        sources = [paste.source()]
    if data["mentor"] and len(sources) > 1:
        form.add_error("mentor", "A mentor's name is for one file: this upload has several.")
        return TemplateResponse(request, TEMPLATE, {**context, "form": form})

    decisions, chosen = decisions_from(request.POST)
    options = ImportOptions(
        mentor=data["mentor"],
        role=data["role"],
        publish=data["publish"],
        dry_run=True,
        decisions=decisions,
    )
    try:
        report = services.import_interviews(sources, options)
    except MappingError as exc:
        form.add_error(None, str(exc))
        return TemplateResponse(request, TEMPLATE, {**context, "form": form})
    wants_import = request.POST.get("action") == "import"
    if wants_import and not report.held:
        options.dry_run = False
        report = services.import_interviews(sources, options)
        if upload is not None:
            upload.delete()
        return TemplateResponse(
            request, TEMPLATE, {**context, "form": ImportInterviewsForm(), "report": report}
        )

    # The preview: the same form, now carrying the upload, the paste's range and the decisions.
    form = ImportInterviewsForm(
        initial={
            **data,
            "files": None,
            "upload": upload.pk if upload else None,
        }
    )
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            **context,
            "form": form,
            "report": report,
            "previewed": True,
            "must_decide": wants_import and bool(report.held),
            "upload": upload,
            "paste": paste,
            "decisions": decision_rows(report, chosen),
        },
    )


def paragraph(value):
    """A paragraph number from the preview's selects; anything else means the default."""
    if value and len(value) <= 6 and value.isascii() and value.isdigit():
        return int(value)
    return None


def decisions_from(post):
    """([(wording, target)], {wording: target}) from the preview's wording-N / question-N pairs."""
    decisions, chosen = [], {}
    for key, wording in post.items():
        if not key.startswith("wording-"):
            continue
        target = post.get("question-" + key.removeprefix("wording-"), "").strip()
        chosen[wording] = target
        if target:
            decisions.append((wording, target))
    return decisions, chosen


def decision_rows(report, chosen):
    """One row per wording to decide: those still open, then those decided in this preview.

    Decided wordings no longer show in the report, but stay on the page with
    their choice, so the editor can change their mind and the next post
    carries every decision.
    """
    rows, seen = [], set()
    for key, items in report.undecided().items():
        first = items[0][1]
        seen.add(key)
        rows.append(
            {
                "wording": first.text,
                "where": [f"{name}, line {item.line}" for name, item in items],
                "nearest": first.nearest,
                "chosen": chosen.get(first.text, ""),
            }
        )
    matcher = None
    for wording, target in chosen.items():
        if not target or normalise(wording) in seen:
            continue
        seen.add(normalise(wording))
        matcher = matcher or QuestionMatcher(Question.objects.standard())
        rows.append(
            {"wording": wording, "where": [], "nearest": matcher.nearest(wording), "chosen": target}
        )
    standard = list(Question.objects.standard())
    for row in rows:
        nearest = {question.pk for question, _ in row["nearest"]}
        row["others"] = [question for question in standard if question.pk not in nearest]
    return rows

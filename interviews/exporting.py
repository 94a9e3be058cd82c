"""Writing interviews as Markdown files in a format the importer reads.

One file per mentor, named after the mentor's slug, in one of two formats:

- `site` (`<slug>.md`): YAML front matter with this site's keys, the intro,
  then `### <question>` and the answer for each answer in question order;
- `applyingml` (`<slug>.mdx`): the shape of ApplyingML's interview files, so a
  site can move back or keep a static mirror: front matter with `slug:
  "/mentors/<slug>/"`, `role: "Position @ Organization"`, `description`,
  `homepage` and `type: mentor`, a "Learn more about <name> on their
  [site](…)…" sentence for the profile links, then `### *<question>*`.

Both also carry `status`, `lessons` and `follow_ups` (the questions asked of
this interview only), so that nothing an editor decided is lost. The output is
deterministic (fixed key order, lessons sorted, Unix newlines, one trailing
newline), and the importer reads back all of it, so export, import into an
empty database and export again gives the same bytes.

Each file is also read back with the importer's parser as it is written: an
answer containing a line that would read as a question (a `###` heading of
its own, say) is reported, because importing that file would split it.
"""

from dataclasses import dataclass, field

import yaml
from django.db.models import Prefetch
from django.utils import timezone

from .importing import ImportFileError, ImportSkipped, normalise, parse_interview
from .importing.profile_links import sentence
from .models import Answer, Interview

LINK_FIELDS = ("website", "linkedin", "github", "x")


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def markdown_text(text):
    """Stored Markdown as a file holds it: Unix newlines, no blank lines around it."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def interviews_to_export():
    """Every interview with its mentor and answers, in mentor order.

    A mentor has one interview (a database constraint), so a file named after
    its mentor is a file per interview, and it is what the importer keys on.
    """
    answers = Answer.objects.select_related("question").prefetch_related("tags")
    answers = answers.order_by("question__position", "question__pk")
    return (
        Interview.objects.select_related("mentor")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("mentor__slug")
    )


def decisions(interview):
    """The front matter keys an editor decided: lessons, and which questions are follow-ups."""
    data = {}
    # Standard questions by slug; a follow-up by its wording, which is all a file has of it.
    data["lessons"] = {
        answer.question.slug if answer.question.is_standard else question_line(answer.question): (
            sorted((tag.name for tag in answer.tags.all()), key=str.lower)
        )
        for answer in interview.answers.all()
        if answer.tags.all()
    }
    data["follow_ups"] = [
        question_line(answer.question)
        for answer in interview.answers.all()
        if not answer.question.is_standard
    ]
    return {key: value for key, value in data.items() if value}


def dump(data):
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )


def front_matter(interview):
    mentor = interview.mentor
    data = {
        "name": mentor.name.strip(),
        "slug": mentor.slug,
        "role": mentor.role.strip(),
        "company": mentor.company.strip(),
        "bio": mentor.bio.replace("\r\n", "\n").strip(),
    }
    if interview.published_at:
        data["date"] = timezone.localdate(interview.published_at)
    data["status"] = interview.status
    # What readers are shown (all rights reserved until chosen), which is also
    # what importing the file without the key would give.
    data["license"] = interview.reuse_license.value
    data["links"] = {key: getattr(mentor, key) for key in LINK_FIELDS}
    data["links"] = {key: url for key, url in data["links"].items() if url}
    return dump({**data, **decisions(interview)})


def question_line(question):
    return " ".join(question.text.split())


def asked_line(answer):
    """The question as the answer's file asked it (an older wording), else its own wording:
    importing the file again then finds the same question and changes nothing."""
    return " ".join(answer.asked_as.split()) or question_line(answer.question)


def export_interview(interview):
    """The `site` file's text for one interview (with its mentor, answers and tags loaded)."""
    parts = ["---\n" + front_matter(interview) + "---\n"]
    intro = markdown_text(interview.intro)
    if intro:
        parts.append(intro + "\n")
    for answer in interview.answers.all():
        parts.append(f"### {asked_line(answer)}\n\n{markdown_text(answer.body)}\n")
    return "\n".join(parts)


def export_applyingml(interview):
    """The `applyingml` file's text for one interview."""
    mentor = interview.mentor
    role = " @ ".join(part.strip() for part in (mentor.role, mentor.company) if part.strip())
    if mentor.company.strip() and not mentor.role.strip():
        role = f"@ {mentor.company.strip()}"
    data = {
        "name": mentor.name.strip(),
        "role": role,
        "description": mentor.bio.replace("\r\n", "\n").strip(),
        "date": (
            timezone.localdate(interview.published_at).isoformat() if interview.published_at else ""
        ),
        "slug": f"/mentors/{mentor.slug}/",
        "type": "mentor",
    }
    if mentor.website:
        data["homepage"] = mentor.website
    data["status"] = interview.status
    # What readers are shown (all rights reserved until chosen), which is also
    # what importing the file without the key would give.
    data["license"] = interview.reuse_license.value
    parts = ["---\n" + dump({**data, **decisions(interview)}) + "---\n"]
    links = sentence(mentor.name.strip(), {key: getattr(mentor, key) for key in LINK_FIELDS})
    if links:
        parts.append(links + "\n")
    intro = markdown_text(interview.intro)
    if intro:
        parts.append(intro + "\n")
    for answer in interview.answers.all():
        wording = asked_line(answer)
        heading = wording if "*" in wording else f"*{wording}*"
        parts.append(f"### {heading}\n\n{markdown_text(answer.body)}\n")
    return "\n".join(parts)


FORMATS = {"site": (export_interview, ".md"), "applyingml": (export_applyingml, ".mdx")}


def reads_back(interview, text):
    """Problems the importer would have with `text`, compared with the interview."""
    try:
        parsed = parse_interview(text.encode())
    except (ImportFileError, ImportSkipped) as exc:
        return [str(exc)]
    expected = [(normalise(asked_line(a)), markdown_text(a.body)) for a in interview.answers.all()]
    found = [(normalise(q.text), q.answer) for q in parsed.questions]
    problems = []
    if parsed.intro != markdown_text(interview.intro):
        problems.append("the intro would not read back as it is")
    if len(found) != len(expected):
        problems.append(
            f"{len(expected)} answers would read back as {len(found)} questions "
            "(an answer has a line that reads as a question, or a question reads as none)"
        )
    else:
        for (question, body), (found_question, found_body) in zip(expected, found, strict=True):
            if (question, body) != (found_question, found_body):
                problems.append(f"the answer to '{question}' would not read back as it is")
    return problems


def export_interviews(directory, format="site"):
    """Write one file per interview into `directory` and return an ExportReport."""
    write, suffix = FORMATS[format]
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    for interview in interviews_to_export():
        name = f"{interview.mentor.slug}{suffix}"
        if not interview.answers.all():
            report.skipped.append(f"{name}: no answers")
            continue
        text = write(interview)
        (directory / name).write_bytes(text.encode("utf-8"))
        report.written.append(name)
        report.warnings += [f"{name}: {problem}" for problem in reads_back(interview, text)]
    return report

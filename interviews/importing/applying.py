"""Saving parsed interview files: one mentor and one imported interview per file.

A file is identified by its mentor's slug (front matter `slug`, else the
slugified name), so importing it again updates the same mentor and interview
instead of adding another. Every row is compared before it is written:
importing an unchanged file changes no row, not even an `updated_at`, and
records no event. The file is the source of truth for what it says: answers
it no longer has are deleted, and keys its front matter leaves out (role,
company, links, lessons) are left as they are.

Before anything is written, every question of the file is placed: matched
to a standard question, mapped by the editor, or confirmed as a follow-up
(`decisions.py`). A file with a question nobody has placed yet is held:
nothing of it is saved, and the report lists the nearest standard questions.
A wording the editor mapped is stored as an alternative wording of its
question, so the next file that uses it matches by itself.

Each file is saved in its own transaction, so a file that fails halfway
leaves nothing behind and the others still import. A dry run wraps them all
in one more transaction and rolls it back.

Over 400 lines: one class, `FileImport`, whose steps (place, save the
mentor, the interview, the questions, the answers, the status) read in order.
"""

import dataclasses
import datetime as dt
import re
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..models import TRANSITIONS, Answer, Interview, InterviewEvent, Mentor, Question
from ..models.enums import License
from .decisions import FOLLOW_UP, resolve
from .matching import INLINE_LINK, REFERENCE_LINK, QuestionMatcher, normalise
from .parsing import ImportFileError, ImportSkipped, parse_interview
from .report import FileReport, ImportReport, Undecided

FOLLOW_UP_TITLE_LENGTH = 80  # Question.title's max_length


@dataclass
class ImportOptions:
    mentor: str = ""  # overrides the front matter's name; for one file at a time
    role: str = ""  # overrides the front matter's role
    publish: bool = False
    dry_run: bool = False
    # The editor's decisions: [(wording, question slug or "follow-up")].
    decisions: list = dataclasses.field(default_factory=list)
    follow_ups: bool = False  # every question no standard question matches is a follow-up


@dataclass
class Placed:
    """Where one of the file's questions goes."""

    parsed: object  # ParsedQuestion
    question: Question | None  # None: a follow-up, created when the file is saved
    how: str
    learn: bool = False  # store the file's wording as an alternative of `question`


def import_files(sources, options, progress=None):
    """Import (name, bytes) pairs and return an ImportReport.

    `bytes` may instead be an ImportFileError raised while reading the file;
    it is reported like any other broken file. `progress` is called with each
    file's FileReport as soon as it is done. Raises decisions.MappingError for
    a decision that names no standard question, before anything is read.
    """
    matcher = QuestionMatcher(Question.objects.standard())
    mapping = resolve(options.decisions, matcher.questions)
    report = ImportReport(dry_run=options.dry_run)
    mentors_seen = {}  # slug -> file name: two files for one mentor would overwrite each other
    with transaction.atomic() if options.dry_run else nullcontext():
        for name, data in sources:
            file_report = FileReport(name)
            try:
                if isinstance(data, ImportFileError):
                    raise data
                parsed = parse_interview(data)
                file_import = FileImport(parsed, name, options, matcher, mapping, file_report)
                with transaction.atomic():
                    file_import.run(mentors_seen)
                file_import.commit()
            except ImportSkipped as exc:
                file_report.skip(str(exc))
            except ImportFileError as exc:
                file_report.fail(str(exc))
            except IntegrityError as exc:
                # Another import or an editor saved the same mentor at the same moment.
                file_report.fail(f"the database refused it ({exc}); try again")
            except DataError as exc:
                # A value the columns cannot hold (e.g. a name too long): this file only.
                file_report.fail(f"the database refused a value: {str(exc).splitlines()[0]}")
            report.files.append(file_report)
            if progress:
                progress(file_report)
        if options.dry_run:
            transaction.set_rollback(True)
    return report


def follow_up_title(text):
    """A short title for a follow-up question, cut at a word boundary."""
    title = " ".join(normalise_markup(text).split())
    if len(title) <= FOLLOW_UP_TITLE_LENGTH:
        return title
    return title[: FOLLOW_UP_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def normalise_markup(text):
    """The question's words without link targets and emphasis markers, case kept."""
    text = REFERENCE_LINK.sub(r"\1", INLINE_LINK.sub(r"\1", text))
    return re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", text)


def published_at_for(date):
    """Midnight of the front matter's date, in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(date, dt.time()))


class FileImport:
    """Saves one parsed file and fills in its FileReport."""

    def __init__(self, parsed, name, options, matcher, mapping, report):
        self.parsed, self.front = parsed, parsed.front
        self.name, self.options, self.matcher, self.report = name, options, matcher, report
        self.mapping = mapping
        self.learned = []  # (question, wording) stored by this file, for commit()
        report.notes.extend(parsed.notes)

    def run(self, mentors_seen):
        name = self.options.mentor.strip() or self.front.name
        if not name:
            raise ImportFileError(
                "no mentor name: add 'name:' to the front matter, or give the mentor's name (--mentor)"
            )
        slug = self.front.slug or slugify(name)
        if not slug:
            raise ImportFileError(f"cannot make a slug from the name '{name}': add 'slug:'")
        if slug in mentors_seen:
            raise ImportFileError(f"the same mentor ({slug}) as {mentors_seen[slug]}")

        mentor = Mentor.objects.filter(slug=slug).first()
        interview = self.find_interview(mentor)
        # Its follow-ups, by wording: decided already, and reused when saved.
        follow_ups = (
            {
                normalise(question.text): question
                for question in Question.objects.filter(
                    is_standard=False, answers__interview=interview
                )
            }
            if interview is not None
            else {}
        )
        placed, undecided = self.place_questions(follow_ups)
        if undecided:
            mentors_seen[slug] = self.name
            self.report.hold(name, undecided)
            # What is placed already, so the editor sees the whole file.
            self.report.notes[:0] = [
                f"line {item.parsed.line}: {item.question.title} ({item.how})"
                for item in placed
                if item is not None and item.question is not None
            ]
            return
        created = interview is None
        status_before = "" if created else interview.status
        mentor = self.save_mentor(mentor, slug, name)
        interview = self.save_interview(mentor, interview)
        self.save_answers(interview, self.save_questions(placed, follow_ups))
        self.apply_status(interview)

        mentors_seen[slug] = self.name
        self.report.outcome = (
            "created" if created else "updated" if self.report.changed else "unchanged"
        )
        self.report.summary = (
            f"{mentor.name}, interview #{interview.pk} ({interview.get_status_display().lower()}), "
            f"questions marked as {self.parsed.marking}"
        )
        if self.report.changed:
            counts = {}
            for change in self.report.changes:
                counts[change.action] = counts.get(change.action, 0) + 1
            InterviewEvent.objects.create(
                interview=interview,
                action=InterviewEvent.Action.IMPORTED,
                from_status=status_before,
                to_status=interview.status,
                note=f"{self.name}: " + ", ".join(f"{n} {a}" for a, n in counts.items()),
            )

    def find_interview(self, mentor):
        """The mentor's imported interview; an interview entered another way is never touched."""
        if mentor is None:
            return None
        interviews = list(mentor.interviews.order_by("-pk"))
        for interview in interviews:
            if interview.source == Interview.Source.IMPORT:
                return interview
        if interviews:
            other = interviews[0]
            raise ImportFileError(
                f"{mentor.name} ({mentor.slug}) already has interview #{other.pk} "
                f"({other.get_source_display().lower()}, {other.get_status_display().lower()}); "
                "the importer only updates interviews it created"
            )
        return None

    def save_mentor(self, mentor, slug, name):
        fields = {"name": name}
        role = self.options.role.strip() or self.front.role
        for field, value in (
            ("role", role),
            ("company", self.front.company),
            ("bio", self.front.bio),
        ):
            if value is not None:
                fields[field] = value
        fields.update(self.front.links or {})
        if mentor is None:
            mentor = Mentor(slug=slug, **fields)
            self.validate(mentor)
            mentor.save()
            self.report.add("+", f"mentor {name}")
            return mentor
        changed = [field for field, value in fields.items() if getattr(mentor, field) != value]
        if changed:
            for field in changed:
                setattr(mentor, field, fields[field])
            self.validate(mentor)
            mentor.save(update_fields=[*changed, "updated_at"])
            self.report.add("~", f"mentor {name}: {', '.join(changed)}")
        return mentor

    def validate(self, mentor):
        try:
            mentor.full_clean()
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise ImportFileError(f"bad front matter: {problems}") from None

    def save_interview(self, mentor, interview):
        intro = self.parsed.intro
        date = self.front.date
        if interview is None:
            interview = Interview.objects.create(
                mentor=mentor,
                source=Interview.Source.IMPORT,
                status=Interview.Status.DRAFT,
                intro=intro,
                # Kept on a draft too, so that publishing later uses the file's date.
                published_at=published_at_for(date) if date else None,
                # Nobody agreed to more than reading it here unless the file says so.
                license=self.front.license or License.ALL_RIGHTS_RESERVED,
            )
            if intro:
                self.report.add("+", "intro")
            return interview
        changed = []
        if self.front.license and interview.license != self.front.license:
            interview.license = self.front.license
            changed.append("license")
            self.report.add("~", f"license {self.front.license}")
        if interview.intro != intro:
            interview.intro = intro
            changed += ["intro", "intro_html"]
            self.report.add("~" if intro else "-", "intro")
        if date and (
            interview.published_at is None or timezone.localdate(interview.published_at) != date
        ):
            interview.published_at = published_at_for(date)
            changed.append("published_at")
            self.report.add("~", f"date {date.isoformat()}")
        if changed:
            interview.save(update_fields=[*changed, "updated_at"])
        return interview

    def place_questions(self, follow_ups):
        """([Placed] for the answered questions, [Undecided]); reads, never writes.

        In order: the editor's mapping, then the matcher, then follow-ups
        decided before (the file's `follow_ups:`, the interview's own, or
        `--follow-ups`). What is left is undecided.
        """
        asked = []
        seen = {}
        for parsed in self.parsed.questions:
            key = normalise(parsed.text)
            if key in seen:
                raise ImportFileError(
                    f"line {parsed.line}: the same question as line {seen[key]} ({parsed.text})"
                )
            seen[key] = parsed.line
            if parsed.answer.strip():
                asked.append(parsed)
            else:
                self.report.notes.append(f"line {parsed.line}: no answer, skipped: {parsed.text}")

        placed = [None] * len(asked)
        mapped = {}  # standard question pk -> file line
        for index, parsed in enumerate(asked):
            target = self.mapping.get(normalise(parsed.text))
            if target == FOLLOW_UP:
                placed[index] = Placed(parsed, None, "follow-up, as the editor decided")
            elif target is not None:
                if target.pk in mapped:
                    raise ImportFileError(
                        f"line {parsed.line}: mapped to question {target.position}, "
                        f"which line {mapped[target.pk]} is mapped to as well"
                    )
                mapped[target.pk] = parsed.line
                learn = not self.matcher.knows(target, parsed.text)
                how = f"question {target.position}, as the editor mapped it"
                placed[index] = Placed(parsed, target, how, learn=learn)

        rest = [index for index in range(len(asked)) if placed[index] is None]
        matches = self.matcher.match_all([asked[i].text for i in rest], exclude=set(mapped))
        decided = {normalise(text) for text in self.front.follow_ups} | set(follow_ups)
        undecided = []
        for index, match in zip(rest, matches, strict=True):
            parsed = asked[index]
            if match:
                how = f"question {match.question.position}, {match.how}"
                placed[index] = Placed(parsed, match.question, how)
            elif self.options.follow_ups or normalise(parsed.text) in decided:
                placed[index] = Placed(parsed, None, "follow-up")
            else:
                undecided.append(
                    Undecided(parsed.text, parsed.line, self.matcher.nearest(parsed.text))
                )
        return placed, undecided

    def save_questions(self, placed, follow_ups):
        """[(ParsedQuestion, Question, how)]: follow-ups created, mapped wordings learned.

        `follow_ups` are the interview's own, by normalised wording."""
        after_standard = max((q.position for q in self.matcher.questions), default=0)
        resolved = []
        for item in placed:
            parsed, question = item.parsed, item.question
            if question is not None:
                if item.learn:
                    self.learn(question, parsed.text)
                resolved.append((parsed, question, item.how))
                continue
            after_standard += 1
            question = follow_ups.get(normalise(parsed.text))
            if question is None:
                question = Question.objects.create(
                    text=parsed.text,
                    title=follow_up_title(parsed.text),
                    position=after_standard,
                    is_standard=False,
                    is_active=True,
                )
            elif (question.text, question.position) != (parsed.text, after_standard):
                question.text, question.position = parsed.text, after_standard
                question.save(update_fields=["text", "position", "updated_at"])
            resolved.append((parsed, question, item.how))
        return resolved

    def learn(self, question, text):
        """Store an editor's mapping as an alternative wording of the question.

        Written from the row as it is now (another file of this run, or
        another editor, may have added one since the matcher loaded it); the
        matcher learns it only once the file's transaction commits (`commit`).
        """
        wording = " ".join(text.split())
        row = Question.objects.select_for_update().get(pk=question.pk)
        if wording not in row.alternative_texts:
            row.alternative_texts = [*row.alternative_texts, wording]
            row.save(update_fields=["alternative_texts", "updated_at"])
        self.learned.append((question, wording))
        self.report.notes.append(
            f"question {question.position} ({question.title}) now also matches '{wording}'"
        )

    def commit(self):
        """After the file's transaction: what it stored, the matcher now knows."""
        for question, wording in self.learned:
            if wording not in question.alternative_texts:
                question.alternative_texts = [*question.alternative_texts, wording]
            self.matcher.learn(question, wording)

    def lessons_by_question(self, resolved):
        """{question pk: [lesson names]} from the front matter, or None to leave lessons alone."""
        if self.front.lessons is None:
            return None
        keys = {}
        for parsed, question, _ in resolved:
            keys[normalise(parsed.text)] = question.pk
            if question.is_standard:
                keys[question.slug] = question.pk
        lessons = {}
        for key, names in self.front.lessons.items():
            pk = keys.get(key) or keys.get(normalise(key))
            if pk is None:
                raise ImportFileError(f"bad front matter: lessons: '{key}' is not a question here")
            lessons[pk] = names
        return lessons

    def save_answers(self, interview, resolved):
        lessons = self.lessons_by_question(resolved)
        existing = {a.question_id: a for a in interview.answers.prefetch_related("tags")}
        for parsed, question, how in resolved:
            answer = existing.pop(question.pk, None)
            label = f"{question.title} ({how})"
            # The wording the file asked it in, when it is not the question's own.
            asked_as = "" if normalise(parsed.text) == normalise(question.text) else parsed.text
            if answer is None:
                answer = Answer(
                    interview=interview, question=question, body=parsed.answer, asked_as=asked_as
                )
                answer.save()
                sign = "+"
            elif (answer.body, answer.asked_as) != (parsed.answer, asked_as):
                answer.body, answer.asked_as = parsed.answer, asked_as
                answer.save(update_fields=["body", "asked_as", "updated_at"])
                sign = "~"
            else:
                sign = "="
            if lessons is not None:
                wanted = lessons.get(question.pk, [])
                current = [tag.name for tag in answer.tags.all()] if sign != "+" else []
                # Lesson names are case-insensitive: "MLOps" is "mlops".
                if sorted(n.lower() for n in wanted) != sorted(n.lower() for n in current):
                    answer.tags.set(wanted)
                    sign = "~" if sign == "=" else sign
                    label += f", lessons: {', '.join(wanted) or 'none'}"
            self.report.add(sign, label)
        for answer in existing.values():
            question = answer.question
            answer.delete()
            self.report.add("-", f"{question.title} (no longer in the file)")
            if not question.is_standard and not question.answers.exists():
                question.delete()

    def apply_status(self, interview):
        wanted = self.options.publish or self.front.status == Interview.Status.PUBLISHED
        if wanted and interview.status in TRANSITIONS["publish"].allowed_from:
            date = self.front.date
            # The model's step alone: an import emails no one.
            interview.publish(note="Imported", at=published_at_for(date) if date else None)
            self.report.add("~", "status: published")
        elif wanted and interview.status == Interview.Status.WITHDRAWN:
            self.report.notes.append("stays withdrawn: republish it in the admin if it should be")
        elif self.front.status == Interview.Status.DRAFT and interview.is_public:
            self.report.notes.append("stays published although the file says draft")

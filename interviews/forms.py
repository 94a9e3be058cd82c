"""Forms visitors post: the mentor's profile and answers, nominations, following;
and the admin's own forms (invite a mentor, ask to revisit questions, import
interviews).

Every public form lists its fields explicitly.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils.text import slugify
from django.utils.timesince import timesince

from .markdown import validate_site_images
from .models import Lesson, Mentor, Nomination, Question, Subscriber
from .models.enums import License
from .photos import process_photo

WEB_URL_MESSAGE = "Enter a web address starting with https:// or http://."
WEB_URL = URLValidator(schemes=["http", "https"], message=WEB_URL_MESSAGE)


class WebURLField(forms.URLField):
    """A URL that must be http or https (no javascript:, ftp: or data:)."""

    default_validators = [WEB_URL]
    default_error_messages = {"invalid": WEB_URL_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class ProfileForm(forms.ModelForm):
    website = WebURLField(required=False)
    linkedin = WebURLField(label="LinkedIn", required=False)
    github = WebURLField(label="GitHub", required=False)
    x = WebURLField(label="X (Twitter)", required=False)
    photo = forms.FileField(
        required=False,
        help_text="Optional. JPEG, PNG or WebP, up to 5 MB; we scale it down and remove its metadata.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(required=False, label="Remove my photo")

    class Meta:
        model = Mentor
        fields = [*Mentor.PROFILE_FIELDS, "photo", "photo_credit"]
        help_texts = {
            "bio": "Two or three sentences about you, in plain text.",
            "photo_credit": "Who took the photo, if they should be credited.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def clean_photo(self):
        upload = self.files.get(self.add_prefix("photo"))
        if not upload:
            return self.instance.photo  # unchanged
        return process_photo(
            upload, basename=slugify(self.cleaned_data.get("name") or self.instance.name) or "photo"
        )

    def save(self, commit=True):
        mentor = super().save(commit=False)
        if self.cleaned_data.get("remove_photo") and not self.files.get(self.add_prefix("photo")):
            mentor.photo = ""
        if commit:
            mentor.save()
        return mentor


class AnswersForm(forms.Form):
    """One Markdown textarea per question, all optional: mentors answer a subset;
    and the licence of the whole interview, which submitting needs."""

    license = forms.ChoiceField(
        label="How may others reuse your interview?",
        choices=License.choices,
        required=False,  # a draft saves without it; require_license() asks on submit
        widget=forms.RadioSelect,
        help_text="CC BY 4.0 lets anyone republish or build on your answers (our open dataset "
        "and API included) as long as they credit you. All rights reserved keeps them on this "
        "site only. You can change this later; an editor reviews the change.",
    )

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        limit = settings.MENTOR_ANSWER_MAX_LENGTH
        for question in questions:
            self.fields[self.field_name(question)] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=False,
                max_length=limit,
                error_messages={
                    "max_length": f"This answer is longer than the limit of {limit:,} characters "
                    f"(it has %(show_value)s). Please shorten it, or split it over two questions."
                },
                widget=forms.Textarea(attrs={"rows": 8, "data-answer": question.slug}),
                validators=[validate_site_images],
            )
            # No maxlength attribute: browsers silently cut pasted text at it.
            # The server refuses long answers with a message, keeping every word.
            self.fields[self.field_name(question)].widget.attrs.pop("maxlength", None)

    @staticmethod
    def field_name(question):
        return f"answer-{question.slug}"

    def answers(self):
        """{question: text} for every question, "" when left empty."""
        return {q: self.cleaned_data.get(self.field_name(q), "").strip() for q in self.questions}

    def answered_count(self):
        return sum(1 for text in self.answers().values() if text)

    def require_minimum(self, minimum):
        """The rule for submitting: at least `minimum` answers. Returns False if unmet."""
        count = self.answered_count()
        if count >= minimum:
            return True
        self.add_error(
            None,
            f"To submit, please answer at least {minimum} questions: you have answered {count}. "
            "Your draft can be saved at any time.",
        )
        return False

    def require_license(self):
        """Submitting needs the mentor's choice of licence (none is preselected)."""
        if self.cleaned_data.get("license"):
            return True
        self.add_error("license", "Please choose how others may reuse your interview.")
        return False

    def bound_fields(self):
        """(question, bound field) pairs in question order, for the template."""
        return [(q, self[self.field_name(q)]) for q in self.questions]


class InviteMentorForm(forms.Form):
    """The admin's "Invite a mentor" form."""

    name = forms.CharField(max_length=120)
    email = forms.EmailField()
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: a personal note included in the email.",
    )
    days = forms.IntegerField(
        label="Link valid for (days)", min_value=1, max_value=365, initial=settings.INVITATION_DAYS
    )


class RevisitQuestionsField(forms.ModelMultipleChoiceField):
    """The questions to revisit, each saying whether the mentor answered it."""

    def __init__(self, *args, answered=(), **kwargs):
        self.answered = set(answered)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, question):
        if question.pk in self.answered:
            return question.text
        return f"{question.text} (not answered yet)"


class RevisitForm(forms.Form):
    """The admin's "Ask to revisit questions" form for a published interview."""

    questions = RevisitQuestionsField(
        queryset=Question.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The mentor's form opens on these, marked as asked again.",
        error_messages={"required": "Choose at least one question to revisit."},
    )
    email = forms.EmailField(help_text="Where the link goes.")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Included in the email, after the questions.",
    )
    days = forms.IntegerField(
        label="Link valid for (days)", min_value=1, max_value=365, initial=settings.INVITATION_DAYS
    )

    def __init__(self, interview, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answered = set(interview.answers.values_list("question_id", flat=True))
        field = self.fields["questions"]
        field.answered = answered
        field.queryset = Question.objects.filter(
            Q(pk__in=answered) | Q(is_standard=True, is_active=True)
        ).order_by("position", "pk")
        invitation = getattr(interview, "invitation", None)
        self.fields["email"].initial = (invitation.email if invitation else "") or (
            interview.mentor.email
        )
        since = timesince(interview.published_at, depth=1)
        self.fields["note"].initial = (
            f"It is {since} since we published your interview: would you answer these "
            "differently today? A sentence on what changed your mind helps readers most."
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files at once, cleaned to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not isinstance(data, list | tuple):
            data = [data] if data else []
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in data]


class ImportInterviewsForm(forms.Form):
    """The admin's "Import interviews" form: files or a paste, and the command's options.

    The page is a preview first: uploaded files wait in an ImportUpload
    (`upload`) while the editor places the questions the matcher could not.
    The paragraphs a paste starts and ends at are chosen on the preview
    (admin/importing.py), which offers them.
    """

    files = MultipleFileField(
        required=False,
        widget=MultipleFileInput(
            attrs={
                "accept": ".md,.mdx,.markdown,.txt,.zip,text/markdown,text/plain,application/zip"
            }
        ),
        help_text="Markdown or plain-text files, one interview each, or one zip of a collection.",
    )
    paste = forms.CharField(
        required=False,
        label="Or paste an interview",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text="Text copied from a page, with its questions on lines of their own: the "
        "preview shows which text goes where, and where the interview starts and ends.",
    )
    upload = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mentor = forms.CharField(
        max_length=120,
        required=False,
        help_text="The mentor's name, for pasted text or a file without front matter.",
    )
    role = forms.CharField(max_length=160, required=False, help_text="The mentor's job title.")
    publish = forms.BooleanField(
        required=False, help_text="Publish the interviews (otherwise they are drafts)."
    )

    def clean(self):
        data = super().clean()
        files, paste = data.get("files") or [], (data.get("paste") or "").strip()
        if not (files or paste or data.get("upload")):
            raise forms.ValidationError("Upload files or paste an interview.")
        if files and paste:
            raise forms.ValidationError(
                "Paste one interview or upload files: one at a time, so each gets its preview."
            )
        if data.get("mentor") and len(files) > 1:
            raise forms.ValidationError("A mentor's name is for one file: upload one file with it.")
        return data


class HumanCheckForm(forms.Form):
    """Two quiet spam defences for the public forms (nominations, following).

    `homepage` is a honeypot hidden from people; `started` is a signed
    timestamp of when the form was shown, so instant submissions are refused
    (settings.NOMINATION_MIN_SECONDS). Each form signs with its own salt.
    """

    started_salt = None

    homepage = forms.CharField(required=False, label="Leave this field empty")
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = self.new_started()
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def new_started(self):
        return signing.dumps(time.time(), salt=self.started_salt)

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise forms.ValidationError(
                "Please leave this field empty: it is there to catch robots."
            )
        return ""

    def clean_started(self):
        try:
            started = signing.loads(
                self.cleaned_data["started"], salt=self.started_salt, max_age=86400
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                "This form is too old or was changed. Please check your details and send it again."
            ) from None
        if time.time() - float(started) < settings.NOMINATION_MIN_SECONDS:
            raise forms.ValidationError(
                "That was quicker than a person can type. Please check your details and send it again."
            )
        return self.cleaned_data["started"]

    def clean(self):
        cleaned = super().clean()
        if "started" in self.errors:
            # Show a fresh timestamp so that sending again works.
            self.data = self.data.copy()
            self.data["started"] = self.new_started()
        return cleaned


class NominationForm(HumanCheckForm, forms.ModelForm):
    """The public self-nomination form (with HumanCheckForm's spam defences)."""

    started_salt = "nomination"

    class Meta:
        model = Nomination
        fields = ["name", "email", "role", "company", "links", "pitch"]
        labels = {"pitch": "What would you share?", "links": "Links (optional)"}
        help_texts = {
            "pitch": "A few lines on the lessons you have learned applying ML at work.",
            "links": "Your website, LinkedIn, GitHub or writing: one per line.",
        }
        widgets = {
            "pitch": forms.Textarea(attrs={"rows": 5}),
            "links": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        for line in lines:
            try:
                WEB_URL(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"“{line[:80]}” is not a web address starting with https:// or http://."
                ) from None
        return "\n".join(lines)


# How many lessons the follow form offers as checkboxes (the most used, and
# any the reader came from): every lesson would be hundreds of boxes.
FOLLOW_FORM_LESSONS = 24


class FollowChoicesForm(forms.Form):
    """What to follow and how often: the manage page, and the follow form below.

    Questions are all those with a page. Lessons and mentors are too many to
    list: the boxes offered are the most used lessons plus whatever the
    reader came from or already follows (`offered`), while any public lesson
    or published mentor is accepted.
    """

    follows_all = forms.BooleanField(required=False, label="Every new interview")
    questions = forms.ModelMultipleChoiceField(
        queryset=Question.objects.public().order_by("position", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="New answers to these questions",
    )
    lessons = forms.ModelMultipleChoiceField(
        queryset=Lesson.objects.public(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="New answers with these lessons",
    )
    mentors = forms.ModelMultipleChoiceField(
        queryset=Mentor.objects.published(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="These mentors: their interviews and updates",
    )
    frequency = forms.ChoiceField(
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.INSTANT,
        widget=forms.RadioSelect,
        label="How often",
    )

    def __init__(self, *args, offered_lessons=(), offered_mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        lessons = list(Lesson.objects.in_use()[:FOLLOW_FORM_LESSONS])
        for lesson in [*offered_lessons, *self.posted("lessons")]:
            if lesson not in lessons:
                lessons.append(lesson)
        mentors = []
        for mentor in [*offered_mentors, *self.posted("mentors")]:
            if mentor not in mentors:
                mentors.append(mentor)
        self.fields["lessons"].widget.choices = [(lesson.pk, lesson.name) for lesson in lessons]
        self.fields["mentors"].widget.choices = [(m.pk, m.name) for m in mentors]
        # Read once: the template asks whether there are any before listing them.
        # iter() first: list() of the choices themselves would ask for a count.
        self.fields["questions"].widget.choices = list(iter(self.fields["questions"].choices))

    def posted(self, name):
        """The valid choices of `name` the form was sent (or given as initial
        values), so a form shown again keeps every box that was ticked."""
        field = self.fields[name]
        if self.is_bound:
            values = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        else:
            values = self.initial.get(name)
        ids = [int(value) for value in values or () if str(value).isdigit()]
        return list(field.queryset.filter(pk__in=ids)) if ids else []

    def clean(self):
        cleaned = super().clean()
        follows = ("follows_all", "questions", "lessons", "mentors")
        if not self.errors and not any(cleaned.get(name) for name in follows):
            raise forms.ValidationError(
                "Please choose something to follow: every new interview, a question, "
                "a lesson or a mentor."
            )
        return cleaned

    def follows(self):
        """The keyword arguments Subscriber.request() and set_follows() take."""
        data = self.cleaned_data
        return {
            "frequency": data["frequency"],
            "follows_all": data["follows_all"],
            "questions": list(data["questions"]),
            "lessons": list(data["lessons"]),
            "mentors": list(data["mentors"]),
        }


class FollowForm(HumanCheckForm, FollowChoicesForm):
    """The public "Follow by email" form: an address, what and how often."""

    started_salt = "follow"

    email = forms.EmailField(label="Your email address", max_length=254)

    field_order = ["email", "follows_all", "questions", "lessons", "mentors", "frequency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self):
        # One subscriber per mailbox, however the address was capitalised.
        return self.cleaned_data["email"].strip().lower()

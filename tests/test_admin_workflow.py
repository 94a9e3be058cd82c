"""The editors' workflow in the admin: buttons, actions, queue, conflicts, previews."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.forms import AnswersForm
from interviews.models import Interview, Invitation, Lesson, Nomination, Revision
from tests.factories import (
    AnswerFactory,
    DraftInterviewFactory,
    MentorFactory,
    PublishedInterviewFactory,
    SubmittedInterviewFactory,
    invitation_with_token,
)

pytestmark = pytest.mark.django_db


def change_url(interview):
    return reverse("admin:interviews_interview_change", args=[interview.pk])


def step_url(interview, name):
    return reverse("admin:interviews_interview_transition", args=[interview.pk, name])


def published_with_edits(client, editor, questions, before, after, email="ada@example.com"):
    """A published interview whose mentor has submitted edits to their first answer."""
    invitation, token = invitation_with_token(email=email)
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0], body=before)
    interview.submit()
    interview.publish(by=editor)
    data = {"name": "Ada Example", "action": "submit", "license": "cc-by-4.0"}
    data.update({AnswersForm.field_name(q): "" for q in questions})
    data[AnswersForm.field_name(questions[0])] = after
    client.post(f"/submit/{token}/", data)
    return interview


def test_change_page_offers_the_allowed_steps_and_shows_the_history(editor_client, editor):
    interview = SubmittedInterviewFactory()
    interview.record("submitted", from_status="draft")

    html = editor_client.get(change_url(interview)).content.decode()

    for name in ("publish", "request_changes", "reject"):
        assert step_url(interview, name) in html
    assert step_url(interview, "withdraw") not in html
    assert "History" in html and "Submitted by the mentor" in html and "the mentor" in html


def test_publish_button_publishes_and_records_who(editor_client, editor, mailoutbox):
    interview = SubmittedInterviewFactory(mentor=MentorFactory(email="m@example.com"))
    assert (
        "Makes the interview public"
        in editor_client.get(step_url(interview, "publish")).content.decode()
    )

    response = editor_client.post(step_url(interview, "publish"), {"apply": "1", "note": "Great"})

    assert response.status_code == 302 and response["Location"] == change_url(interview)
    interview.refresh_from_db()
    assert interview.status == "published" and interview.published_at
    event = interview.events.first()
    assert (event.action, event.actor, event.note) == ("published", editor, "Great")
    assert mailoutbox[-1].to == ["m@example.com"]
    page = editor_client.get(change_url(interview)).content.decode()
    assert "editor@example.com" in page and "Great" in page  # the record shows on the interview


def test_withdraw_needs_a_reason_and_keeps_the_form(editor_client):
    interview = PublishedInterviewFactory()
    response = editor_client.post(step_url(interview, "withdraw"), {"apply": "1", "note": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Interview.objects.get(pk=interview.pk).status == "published"

    editor_client.post(
        step_url(interview, "withdraw"), {"apply": "1", "note": "Asked by the mentor"}
    )
    assert Interview.objects.get(pk=interview.pk).status == "withdrawn"


def test_a_step_not_allowed_now_is_refused_with_a_message(editor_client):
    interview = DraftInterviewFactory()
    response = editor_client.post(
        step_url(interview, "withdraw"), {"apply": "1", "note": "x"}, follow=True
    )
    assert "Cannot withdraw an interview that is draft" in response.content.decode()
    assert Interview.objects.get(pk=interview.pk).status == "draft"


def test_bulk_action_confirms_then_applies(editor_client, editor):
    first, second = SubmittedInterviewFactory(), SubmittedInterviewFactory()
    changelist = reverse("admin:interviews_interview_changelist")
    selected = {"action": "publish_selected", "_selected_action": [first.pk, second.pk]}

    confirm = editor_client.post(changelist, selected)
    assert confirm.status_code == 200 and "Publish?" in confirm.content.decode()
    assert Interview.objects.published().count() == 0

    editor_client.post(changelist, {**selected, "apply": "1", "note": ""})
    assert Interview.objects.published().count() == 2


def test_second_editor_saving_the_same_interview_is_refused(editor_client, questions):
    interview = DraftInterviewFactory(intro="First intro")
    page = editor_client.get(change_url(interview))
    loaded_version = page.context["adminform"].form["loaded_version"].value()
    # Meanwhile another editor (or the mentor) saves.
    interview.intro = "Someone else's intro"
    interview.save()

    data = {
        "mentor": interview.mentor.pk,
        "source": "admin",
        "intro": "My intro",
        "loaded_version": loaded_version,
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = editor_client.post(change_url(interview), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not saved: this interview was changed by" in html
    assert "My intro" in html  # what the editor typed is still there
    assert Interview.objects.get(pk=interview.pk).intro == "Someone else's intro"


def test_editor_reviews_edits_side_by_side_and_approves(
    editor_client, editor, client, questions, settings
):
    settings.MENTOR_MIN_ANSWERS = 1
    interview = published_with_edits(client, editor, questions, "Old words here", "New words here")

    assert (
        "Review the edits side by side" in editor_client.get(change_url(interview)).content.decode()
    )
    url = reverse("admin:interviews_interview_revision", args=[interview.pk])
    page = editor_client.get(url).content.decode()
    assert '<del><span class="visually-hidden">[removed: </span>Old<' in page
    assert '<ins><span class="visually-hidden">[added: </span>New<' in page

    editor_client.post(url, {"decision": "approve", "note": "Thanks!"})

    assert Revision.objects.get().status == "approved"
    assert "New words here" in client.get(interview.mentor.get_absolute_url()).content.decode()


def test_staff_preview_shows_unpublished_interviews(editor_client, questions):
    client = Client()  # a reader
    interview = DraftInterviewFactory(mentor=MentorFactory(name="Hidden Mentor"))
    AnswerFactory(interview=interview, question=questions[0], body="Draft answer text")
    url = reverse("admin:interviews_interview_preview", args=[interview.pk])

    response = editor_client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hidden Mentor" in html and "Draft answer text" in html
    assert "Preview" in html and "noindex" in html
    assert client.get(url).status_code == 302  # readers are sent to the login page
    assert client.get(interview.mentor.get_absolute_url()).status_code == 404


def test_review_queue_lists_everything_waiting_oldest_first(editor_client):
    now = timezone.now()
    newer = SubmittedInterviewFactory(mentor=MentorFactory(name="Newer Mentor"), submitted_at=now)
    older = SubmittedInterviewFactory(
        mentor=MentorFactory(name="Older Mentor"), submitted_at=now - timedelta(days=3)
    )
    Nomination.objects.create(name="Nominee Person", email="n@example.com", pitch="x")
    PublishedInterviewFactory(mentor=MentorFactory(name="Published Mentor"))

    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Interviews submitted: <strong>2</strong>" in index
    assert "Nominations: <strong>1</strong>" in index

    queue = editor_client.get(reverse("admin:review-queue")).content.decode()
    assert queue.index("Older Mentor") < queue.index("Newer Mentor")
    assert "Nominee Person" in queue and "Published Mentor" not in queue
    assert newer and older


def test_dashboard_counts(editor_client, editor, questions):
    invitation, _ = invitation_with_token(email="a@example.com")
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    AnswerFactory(interview=invitation.interview, question=questions[0])
    invitation.interview.publish(by=editor)
    expired, _ = invitation_with_token(email="b@example.com")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    invitation_with_token(email="c@example.com")  # outstanding

    response = editor_client.get(reverse("admin:dashboard"))

    context = response.context
    assert response.status_code == 200
    assert context["invitations"] == {"outstanding": 1, "expired": 1}
    assert context["median_days"] == 10.0
    assert context["questions"][0]["answers"] == 1 and context["questions"][0]["share"] == 100
    assert {label: n for label, n, _ in context["statuses"]}["Published"] == 1


def test_markdown_preview_is_sanitized_and_staff_only(editor_client):
    client = Client()  # a reader
    url = reverse("admin:markdown-preview")
    response = editor_client.post(url, {"text": "**bold** <script>x()</script>"})
    assert response.json()["html"] == "<p><strong>bold</strong> </p>"
    assert client.post(url, {"text": "x"}).status_code == 302


def test_lesson_suggestions_start_with_the_typed_text(editor_client, questions):
    AnswerFactory(question=questions[0], lessons=["monitoring", "data monitoring"])
    AnswerFactory(question=questions[1], lessons=["monitoring"])
    response = editor_client.get(reverse("admin:lesson-suggestions"), {"q": "mon"})
    assert response.json()["lessons"] == ["monitoring", "data monitoring"]


def test_merge_lessons_moves_answers_without_duplicates(editor_client, questions):
    both = AnswerFactory(question=questions[0], lessons=["MLOps", "ml ops"])
    only_old = AnswerFactory(question=questions[1], lessons=["ml-ops practice"])
    keep = Lesson.objects.get(name="MLOps")
    others = Lesson.objects.exclude(pk=keep.pk)
    changelist = reverse("admin:interviews_lesson_changelist")
    selected = [keep.pk, *others.values_list("pk", flat=True)]

    confirm = editor_client.post(
        changelist, {"action": "merge_selected", "_selected_action": selected}
    )
    assert "Keep which lesson?" in confirm.content.decode()
    editor_client.post(
        changelist,
        {
            "action": "merge_selected",
            "_selected_action": selected,
            "apply": "1",
            "survivor": keep.pk,
        },
    )

    assert list(Lesson.objects.values_list("name", flat=True)) == ["MLOps"]
    assert list(both.tags.names()) == ["MLOps"]
    assert list(only_old.tags.names()) == ["MLOps"]


def test_renaming_a_lesson_to_an_existing_name_suggests_merging(editor_client):
    Lesson.objects.create(name="MLOps", slug="mlops")
    other = Lesson.objects.create(name="ml operations", slug="ml-operations")
    response = editor_client.post(
        reverse("admin:interviews_lesson_change", args=[other.pk]),
        {
            "name": "mlops",
            "slug": "ml-operations",
            "tagged_answers-TOTAL_FORMS": "0",
            "tagged_answers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "There is already a lesson called “MLOps”" in response.content.decode()


def test_a_change_posted_without_its_version_is_refused(editor_client):
    interview = DraftInterviewFactory(intro="Original")
    data = {
        "mentor": interview.mentor.pk,
        "source": "admin",
        "intro": "Overwrite",
        "answers-TOTAL_FORMS": "0",
        "answers-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = editor_client.post(change_url(interview), data)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    assert Interview.objects.get(pk=interview.pk).intro == "Original"


def test_reject_records_who_and_why(editor_client, editor):
    interview = SubmittedInterviewFactory()
    editor_client.post(step_url(interview, "reject"), {"apply": "1", "note": "Off topic"})
    event = interview.events.get()
    assert (event.action, event.actor, event.note) == ("reject", editor, "Off topic")
    assert Interview.objects.get(pk=interview.pk).status == "rejected"


def test_edits_waiting_appear_in_the_queue_and_their_decision_is_emailed(
    editor_client, editor, client, questions, settings, mailoutbox
):
    settings.MENTOR_MIN_ANSWERS = 1
    interview = published_with_edits(
        client, editor, questions, "Before", "After", email="mentor@example.com"
    )

    assert (
        "Edits after publishing: <strong>1</strong>"
        in editor_client.get(reverse("admin:index")).content.decode()
    )
    queue = editor_client.get(reverse("admin:review-queue")).content.decode()
    assert reverse("admin:interviews_interview_revision", args=[interview.pk]) in queue

    editor_client.post(
        reverse("admin:interviews_interview_revision", args=[interview.pk]),
        {"decision": "decline", "note": "Please keep the original wording"},
    )
    assert mailoutbox[-1].to == ["mentor@example.com"]
    assert "Please keep the original wording" in mailoutbox[-1].body


def test_a_link_that_expired_during_review_works_again_after_publication(
    editor, client, questions, mailoutbox
):
    invitation, token = invitation_with_token()
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0])
    interview.submit()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    services.publish(Interview.objects.get(pk=interview.pk), by=editor)

    assert client.get(f"/submit/{token}/").status_code == 200
    assert f"/submit/{token}/" in mailoutbox[-1].body  # the published email carries the link

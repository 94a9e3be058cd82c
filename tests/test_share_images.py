"""Share images: a 1200x630 card per public answer and interview, drawn in the
background after a publish or an edit, stored through the default storage,
and pointed at by the pages' OpenGraph and Twitter card tags."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image, ImageDraw

from interviews import services, share, sharecard
from interviews.models import Answer, Interview, Revision
from tests.factories import AnswerFactory, MentorFactory, PublishedInterviewFactory

pytestmark = pytest.mark.django_db

LONG_QUESTION = (
    "Looking back over every project you have shipped, what is the one thing about data "
    "quality, evaluation, deployment, monitoring and the people who depend on the model "
    "that you wish somebody had told you on your very first day, and why?"
)
LONG_NAME = "Maximiliana Featherstonehaugh-Montgomery de la Vega y Santisteban"
LONG_ROLE = (
    "Principal Machine Learning Engineer and Head of Applied Research and Evaluation, "
    "International Freight and Logistics Holdings"
)


def stored_image(name):
    with default_storage.open(name) as file:
        data = file.read()
    return Image.open(io.BytesIO(data)), data


def published_answer(editor, django_capture_on_commit_callbacks, questions, **mentor):
    """An answer of an interview published through the use case, its after-commit work run."""
    interview = PublishedInterviewFactory(
        mentor=MentorFactory(**mentor), status=Interview.Status.SUBMITTED, intro=""
    )
    answer = AnswerFactory(
        interview=interview, question=questions[0], body="Start with a **baseline**."
    )
    AnswerFactory(interview=interview, question=questions[1], body="Then measure it.")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(interview, by=editor)
    answer.refresh_from_db()
    interview.refresh_from_db()
    return answer, interview


# --- Drawing ---------------------------------------------------------------------------


def test_a_very_long_question_name_and_role_are_cut_at_a_word_and_fit_their_boxes():
    card = sharecard.Card(LONG_QUESTION, "Start with a baseline. " * 60, LONG_NAME, LONG_ROLE)
    png, blocks = sharecard.render(card)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 630)
    draw = ImageDraw.Draw(image)
    for key in ("heading", "quote", "name", "role"):
        block = blocks[key]
        assert len(block.lines) == block.style.max_lines, key
        assert block.lines[-1].endswith("…"), key
        font = sharecard.font(block.style.font, block.style.size)
        for line in block.lines:
            assert draw.textlength(line, font=font) <= block.width, (key, line)
            # Every line is whole words of the text, in order.
            assert (
                line.removesuffix("…").split()[-1]
                in f"{card.heading} {card.quote} {LONG_NAME} {LONG_ROLE}"
            )
    joined = " ".join(blocks["heading"].lines).removesuffix("…")
    assert LONG_QUESTION.startswith(joined)  # cut between words, nothing changed before it
    # Blocks stay in their places: the quote above the footer, the footer inside the card.
    assert blocks["heading"].bottom <= blocks["quote"].y
    assert blocks["quote"].bottom <= sharecard.FOOTER_TOP
    assert blocks["role"].bottom <= sharecard.HEIGHT


def test_short_text_is_drawn_whole_and_a_long_url_is_broken_to_fit():
    font = sharecard.font(sharecard.QUOTE.font, sharecard.QUOTE.size)
    assert sharecard.fit_lines("Start small.", font, 1000, 3) == ["Start small."]
    url = "https://example.com/" + "a-very-long-path-segment/" * 12
    lines = sharecard.fit_lines(f"See {url} first", font, 600, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 600 for line in lines)


def test_the_card_is_in_the_sites_colours():
    palette = sharecard.colours()
    css = sharecard.STYLESHEET.read_text()
    assert f"--accent: {palette['accent']};" in css and f"--bg: {palette['bg']};" in css
    png, _ = sharecard.render(sharecard.Card("A question?", "An answer.", "Ada", "Engineer"))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    hex_of = "#{:02x}{:02x}{:02x}".format
    assert hex_of(*image.getpixel((5, 300))) == palette["accent"]  # the bar
    assert hex_of(*image.getpixel((1190, 10))) == palette["bg"]


# --- Made on publish and edit, removed on withdrawal ------------------------------------


def test_publishing_draws_and_stores_both_images(
    editor, questions, django_capture_on_commit_callbacks
):
    answer, interview = published_answer(
        editor, django_capture_on_commit_callbacks, questions, name=LONG_NAME, role=LONG_ROLE
    )

    assert re.fullmatch(rf"share/answers/{answer.pk}/[0-9a-f]{{16}}\.png", answer.share_image.name)
    assert re.fullmatch(
        rf"share/interviews/{interview.pk}/[0-9a-f]{{16}}\.png", interview.share_image.name
    )
    for name in (answer.share_image.name, interview.share_image.name):
        image, data = stored_image(name)
        assert data.startswith(b"\x89PNG") and image.size == (1200, 630)
    # The interview's card counts its answers.
    assert share.interview_card(interview, list(interview.answers.all())).heading.startswith(
        "2 answers"
    )


def test_an_approved_edit_replaces_the_image_and_removes_the_old_file(
    editor, questions, django_capture_on_commit_callbacks, stored_media
):
    answer, interview = published_answer(editor, django_capture_on_commit_callbacks, questions)
    old_answer, old_interview = answer.share_image.name, interview.share_image.name
    other = Answer.objects.get(interview=interview, question=questions[1]).share_image.name

    revision = Revision.start_from(interview)
    revision.answers.filter(question=questions[0]).update(body="Start with a *better* baseline.")
    revision.submit()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_revision(revision, by=editor)

    answer.refresh_from_db()
    interview.refresh_from_db()
    assert answer.share_image.name not in ("", old_answer)
    assert default_storage.exists(answer.share_image.name)
    assert not default_storage.exists(old_answer)
    # The interview quotes its first answer (no introduction): redrawn too.
    assert interview.share_image.name != old_interview
    assert not default_storage.exists(old_interview)
    # An answer the edit left alone keeps its image and its address.
    assert Answer.objects.get(interview=interview, question=questions[1]).share_image.name == other
    # Each row's folder holds its current image only.
    assert stored_media.names("share/") == sorted(
        [answer.share_image.name, interview.share_image.name, other]
    )


def test_editors_edits_of_the_mentor_and_the_question_wording_redraw_the_cards(
    editor, questions, django_capture_on_commit_callbacks
):
    answer, interview = published_answer(editor, django_capture_on_commit_callbacks, questions)
    before = answer.share_image.name

    mentor = interview.mentor
    mentor.role = "Head of Machine Learning"
    with django_capture_on_commit_callbacks(execute=True):
        mentor.save()
    answer.refresh_from_db()
    after_mentor = answer.share_image.name
    assert after_mentor != before and not default_storage.exists(before)
    assert Interview.objects.get(pk=interview.pk).share_image.name != interview.share_image.name

    question = answer.question
    question.text = "What would you tell yourself on your first day?"
    with django_capture_on_commit_callbacks(execute=True):
        question.save()
    answer.refresh_from_db()
    assert answer.share_image.name != after_mentor
    assert share.answer_card(answer).heading == question.text


def test_saving_without_a_visible_change_keeps_the_image(
    editor, questions, django_capture_on_commit_callbacks
):
    answer, _ = published_answer(editor, django_capture_on_commit_callbacks, questions)
    before = answer.share_image.name
    with django_capture_on_commit_callbacks(execute=True):
        Answer.objects.get(pk=answer.pk).save()
    assert Answer.objects.get(pk=answer.pk).share_image.name == before
    assert default_storage.exists(before)


def test_withdrawing_removes_the_images(editor, questions, django_capture_on_commit_callbacks):
    answer, interview = published_answer(editor, django_capture_on_commit_callbacks, questions)
    names = [answer.share_image.name, interview.share_image.name]

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(interview, by=editor, note="Asked to")

    assert Answer.objects.get(pk=answer.pk).share_image.name == ""
    assert Interview.objects.get(pk=interview.pk).share_image.name == ""
    assert not any(default_storage.exists(name) for name in names)


def test_the_command_draws_missing_images_and_removes_left_over_ones(
    questions, django_capture_on_commit_callbacks
):
    # Saved without a commit hook running: content from before share images.
    answers = [AnswerFactory(question=q) for q in questions[:3]]
    assert not any(a.share_image for a in answers)
    stale = AnswerFactory(question=questions[3])
    share.refresh_rows(share.ANSWERS, [stale.pk])
    stale.refresh_from_db()
    left_over = stale.share_image.name
    Interview.objects.filter(pk=stale.interview_id).update(status=Interview.Status.WITHDRAWN)
    Answer.objects.filter(pk=stale.pk).update(published_at=None)

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_share_images", stdout=out)

    # Three answers drawn and one image removed; the three public interviews drawn.
    assert "4 answers and 3 interviews" in out.getvalue()
    for answer in Answer.objects.filter(pk__in=[a.pk for a in answers]):
        assert default_storage.exists(answer.share_image.name)
    assert Answer.objects.get(pk=stale.pk).share_image.name == ""
    assert not default_storage.exists(left_over)
    call_command("make_share_images", stdout=out)  # nothing left to do
    assert "0 answers and 0 interviews" in out.getvalue()


# --- Pages point at them -------------------------------------------------------------------


def meta_tags(html):
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))


def test_the_answer_and_interview_pages_point_og_image_at_their_cards(
    client, editor, questions, django_capture_on_commit_callbacks, stored_media
):
    answer, interview = published_answer(editor, django_capture_on_commit_callbacks, questions)

    for url, row in (
        (answer.get_absolute_url(), answer),
        (interview.get_absolute_url(), interview),
    ):
        tags = meta_tags(client.get(url).content.decode())
        # On disk a path of this site; in a bucket, the bucket's own address.
        image_url = row.share_image.url
        if stored_media.kind == "s3":
            assert image_url.startswith(f"{stored_media.server.url}/{stored_media.bucket}/share/")
        expected = image_url if stored_media.kind == "s3" else f"http://testserver{image_url}"
        assert tags["og:image"] == expected
        status, png, content_type = stored_media.get(image_url)
        assert status == 200 and content_type == "image/png"
        assert Image.open(io.BytesIO(png)).size == (1200, 630)
        assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
        assert tags["og:image:type"] == "image/png"
        assert interview.mentor.name in tags["og:image:alt"]
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["twitter:image"] == tags["og:image"]


def test_pages_without_their_own_image_keep_the_small_card(client, questions):
    answer = AnswerFactory(question=questions[0])  # not drawn yet (no commit has run)
    for url in (answer.get_absolute_url(), "/", questions[0].get_absolute_url()):
        tags = meta_tags(client.get(url).content.decode())
        assert tags["twitter:card"] == "summary", url
        assert "og:image:width" not in tags and "og:image" not in tags, url


def test_the_docker_image_holds_the_fonts_and_the_stylesheet_the_cards_need():
    from fnmatch import fnmatch

    from django.conf import settings

    root = settings.BASE_DIR
    assert re.search(r"^COPY \. \.$", (root / "Dockerfile").read_text(), re.M)
    ignored = [
        line.strip()
        for line in (root / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    needed = [path.relative_to(root) for path in sharecard.FONTS.glob("*.ttf")]
    assert len(needed) == 3 and (sharecard.FONTS / "LICENSE").exists()
    for path in [*needed, sharecard.STYLESHEET.relative_to(root)]:
        parts = path.parts
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        assert not any(fnmatch(p, pattern) for p in prefixes for pattern in ignored), path

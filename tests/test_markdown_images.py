"""Images from other sites: the Content-Security-Policy would block them, so
forms refuse them with a message and the renderer never emits one."""

import pytest
from django.urls import reverse

from interviews.markdown import outside_images, render_markdown
from interviews.models import Answer
from tests.factories import AnswerFactory, PublishedInterviewFactory
from tests.test_submission import form_data, invited  # noqa: F401 (a fixture)

OUTSIDE = "Our dashboard:\n\n![Weekly latency](https://other.example.net/chart.png)"
REFUSED = "Images from other sites cannot be shown here (https://other.example.net/chart.png)"


def test_an_image_from_another_site_renders_as_a_link_to_it_never_as_a_broken_image():
    html = render_markdown(OUTSIDE)
    assert "<img" not in html
    assert '<a href="https://other.example.net/chart.png" rel="nofollow noopener">' in html
    assert "Image: Weekly latency</a>" in html


def test_images_on_this_site_and_its_media_origin_pass(settings):
    settings.MEDIA_URL = "https://media.example.org/media/"
    settings.SITE_URL = "https://applyingml.example"
    text = (
        "![a](/media/demo/a.png) ![b](https://media.example.org/media/b.png) "
        "![c](https://applyingml.example/media/c.png) ![d](https://elsewhere.example/d.png)"
    )
    html = render_markdown(text)
    assert html.count("<img") == 3 and 'src="https://elsewhere.example' not in html
    assert outside_images(text) == ["https://elsewhere.example/d.png"]


@pytest.mark.django_db
def test_the_mentors_form_refuses_it_on_save_and_keeps_every_word(client, invited, questions):  # noqa: F811
    _, _, url = invited

    response = client.post(url, {**form_data(questions, {0: OUTSIDE}), "action": "save"})

    assert response.status_code == 400
    html = response.content.decode()
    assert REFUSED in html
    assert "![Weekly latency](https://other.example.net/chart.png)</textarea>" in html
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_the_forms_preview_says_so(client, invited, questions):  # noqa: F811
    _, _, url = invited

    response = client.post(url, {**form_data(questions, {0: OUTSIDE}), "action": "preview"})
    assert REFUSED in response.content.decode()

    live = client.post(f"{url}preview/", {"text": OUTSIDE, "answer": questions[0].slug}).json()
    assert live["warning"].startswith(REFUSED)
    assert "<img" not in live["html"]
    assert client.post(f"{url}preview/", {"text": "No image."}).json()["warning"] == ""


@pytest.mark.django_db
def test_the_editors_admin_refuses_it_too(editor_client, questions):
    answer = AnswerFactory(interview=PublishedInterviewFactory(), question=questions[0])
    url = reverse("admin:interviews_answer_change", args=[answer.pk])
    data = {
        "interview": answer.interview_id,
        "question": answer.question_id,
        "body": OUTSIDE,
        "tags": "",
    }

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert Answer.objects.get(pk=answer.pk).body != OUTSIDE

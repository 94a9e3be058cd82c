"""Uploads and every other stored file in a bucket (MEDIA_STORAGE=s3): set up
by the environment alone for each kind of host, the checks that say what is
missing, a production process end to end against the suite's S3 server, and
a store that does not answer.

What each kind of file does in a bucket is tested beside it, on both
storages (the `stored_media` fixture): tests/test_photos.py (upload, resize,
replace, remove), test_share_images.py, test_dataset.py and test_commands.py
(seed_demo's images).
"""

import json
import re

import pytest
from botocore.config import Config
from django.core.checks import Error
from django.db import connection
from storages.backends.s3 import S3Storage

from applyingml import checks
from applyingml import settings as project_settings
from interviews import dataset
from interviews.forms import AnswersForm
from interviews.models import Interview, Mentor
from tests.factories import (
    AnswerFactory,
    MentorFactory,
    PublishedInterviewFactory,
    invitation_with_token,
)
from tests.s3 import CREDENTIALS, fetch
from tests.servers import PROXIED, Gunicorn, http, production_env, settings_url
from tests.test_photos import image_file
from tests.test_settings import PRODUCTION, run
from tools.servers import free_port

# Every variable settings.py reads for a bucket, and those boto3 reads itself.
VARIABLES = [
    "MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_URL_PROTOCOL",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_LOCATION",
    "AWS_DEFAULT_ACL",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
]


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """Only what a test sets: none of the machine's AWS variables, files or
    metadata service (boto3 would otherwise ask 169.254.169.254 for a role)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def set_variables(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_variables


def use_bucket(settings, storage):
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = project_settings.s3_media_url(storage["OPTIONS"])


# --- Each kind of host, by its variables -------------------------------------------------

BUCKET = {"AWS_STORAGE_BUCKET_NAME": "applyingml-media"}
HOSTS = {
    "aws": (
        {**BUCKET, "AWS_S3_REGION_NAME": "eu-central-1"},
        "https://applyingml-media.s3.amazonaws.com/",
    ),
    "aws-by-path": (
        {**BUCKET, "AWS_S3_REGION_NAME": "eu-central-1", "AWS_S3_ADDRESSING_STYLE": "path"},
        "https://s3.eu-central-1.amazonaws.com/applyingml-media/",
    ),
    # R2's S3 endpoint is not public: readers load from the bucket's public domain.
    "cloudflare-r2": (
        {
            **BUCKET,
            "AWS_S3_ENDPOINT_URL": "https://0123abcd.r2.cloudflarestorage.com",
            "AWS_S3_REGION_NAME": "auto",
            "AWS_S3_CUSTOM_DOMAIN": "media.applyingml.example",
        },
        "https://media.applyingml.example/",
    ),
    "local-store-behind-its-own-host": (
        {
            **BUCKET,
            "AWS_S3_CUSTOM_DOMAIN": "127.0.0.1:9000/applyingml-media",
            "AWS_S3_URL_PROTOCOL": "http",
        },
        "http://127.0.0.1:9000/applyingml-media/",
    ),
    "minio": (
        {**BUCKET, "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        "http://127.0.0.1:9000/applyingml-media/",
    ),
    "hetzner": (
        {
            **BUCKET,
            "AWS_S3_ENDPOINT_URL": "https://fsn1.your-objectstorage.com",
            "AWS_S3_REGION_NAME": "fsn1",
            "AWS_S3_ADDRESSING_STYLE": "virtual",
        },
        "https://applyingml-media.fsn1.your-objectstorage.com/",
    ),
    "shared-bucket-behind-a-cdn": (
        {**BUCKET, "AWS_S3_CUSTOM_DOMAIN": "cdn.applyingml.example", "AWS_LOCATION": "/site/"},
        "https://cdn.applyingml.example/site/",
    ),
}


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_kind_of_host_is_set_up_by_its_variables_and_serves_files_from_media_url(
    host, environment
):
    variables, media_url = HOSTS[host]
    environment(**variables)
    storage = project_settings.s3_storage()

    assert project_settings.s3_media_url(storage["OPTIONS"]) == media_url
    # The address django-storages (and botocore) give a file is under it:
    # the CSP's img-src and the answers' image rule allow what pages show.
    assert S3Storage(**storage["OPTIONS"]).url("mentors/ada.jpg") == f"{media_url}mentors/ada.jpg"


# --- What the checks say -------------------------------------------------------------


def media_errors(settings, storage):
    use_bucket(settings, storage)
    return checks.check_media_storage(None)


def test_the_checks_name_what_a_bucket_is_missing(settings, environment):
    environment(MEDIA_STORAGE="s3")
    (error,) = media_errors(settings, project_settings.s3_storage())
    assert error.id == "applyingml.E001" and "AWS_STORAGE_BUCKET_NAME" in error.hint

    environment(**BUCKET)
    (error,) = media_errors(settings, project_settings.s3_storage())
    assert error.id == "applyingml.E003" and error.msg.endswith("none found.")
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in error.hint

    environment(AWS_ACCESS_KEY_ID="AKIAEXAMPLE")  # half of the pair
    (error,) = media_errors(settings, project_settings.s3_storage())
    assert error.id == "applyingml.E003" and "AWS_SECRET_ACCESS_KEY" in error.msg

    environment(**CREDENTIALS, AWS_S3_ENDPOINT_URL="fsn1.your-objectstorage.com")
    (error,) = media_errors(settings, project_settings.s3_storage())
    assert error.id == "applyingml.E002" and "http(s)" in error.msg

    environment(AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert media_errors(settings, project_settings.s3_storage()) == []
    # MEDIA_URL (and so the CSP) naming another origin than the files': every photo blocked.
    settings.MEDIA_URL = "https://media.applyingml.example/"
    (error,) = checks.check_media_storage(None)
    assert error.id == "applyingml.E004"
    assert "served from http://127.0.0.1:9000" in error.msg
    assert "names https://media.applyingml.example" in error.msg


def test_files_on_disk_need_no_check_and_plain_http_media_is_a_deploy_warning(settings):
    assert checks.check_media_storage(None) == []  # the default: MEDIA_ROOT
    settings.DEBUG = False
    settings.MEDIA_URL = "http://127.0.0.1:9000/applyingml-media/"
    (warning,) = checks.check_media_over_https(None)
    assert warning.id == "applyingml.W002" and not isinstance(warning, Error)
    settings.MEDIA_URL = "https://media.applyingml.example/"
    assert checks.check_media_over_https(None) == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MEDIA_STORAGE": "gcs"}, "MEDIA_STORAGE must be 'filesystem' or 's3', not 'gcs'."),
        (
            {"MEDIA_STORAGE": "s3", "DJANGO_MEDIA_URL": "https://media.applyingml.example/"},
            "DJANGO_MEDIA_URL is for MEDIA_STORAGE=filesystem",
        ),
        ({"MEDIA_STORAGE": "s3"}, "applyingml.E001"),
    ],
    ids=["unknown-storage", "media-url-beside-a-bucket", "no-bucket"],
)
def test_manage_py_check_stops_with_the_reason(variables, message):
    env = production_env(**PRODUCTION, **variables)
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert message in result.stderr


# --- A production process, configured by the environment alone ---------------------------


@pytest.mark.django_db(transaction=True)
def test_a_production_process_shows_photos_and_data_files_from_the_bucket(
    s3_server, s3_media, questions, collected_static, tmp_path
):
    mentor = MentorFactory(name="Ada Example", slug="ada-example")
    photo = image_file("ada.jpg", (400, 400), exif=False)
    mentor.photo.save("ada-example.jpg", photo)
    interview = PublishedInterviewFactory(mentor=mentor)
    AnswerFactory(interview=interview, question=questions[0], body="Start with a baseline.")
    dataset.publish_latest()  # as the worker does, into the same bucket

    env = production_env(
        DATABASE_URL=settings_url(connection.settings_dict),
        DJANGO_STATIC_ROOT=str(collected_static),
        **s3_server.env(s3_media),
    )
    server = Gunicorn(env, tmp_path).wait_until_up()
    try:
        status, headers, html = http(server.url + mentor.get_absolute_url(), headers=PROXIED)
        data_status, _, data_html = http(server.url + "/data/", headers=PROXIED)
        api = json.loads(http(server.url + "/api/v1/mentors/ada-example/", headers=PROXIED)[2])
    finally:
        server.stop()

    assert status == 200, server.output()[-2000:]
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert csp["img-src"] == f"'self' data: {s3_server.url}"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"  # images only
    src = re.search(r'<img class="mentor-photo" src="([^"]+)"', html).group(1)
    assert src == f"{s3_server.url}/{s3_media}/{mentor.photo.name}"
    status, body, content_type = fetch(src)
    assert status == 200 and content_type == "image/jpeg"
    assert body == Mentor.objects.get(pk=mentor.pk).photo.open().read()
    assert api["photo_url"] == src  # absolute already: not prefixed with SITE_URL

    assert data_status == 200
    csv_url = f"{s3_server.url}/{s3_media}/dataset/answers.csv"
    assert f'href="{csv_url}"' in data_html
    assert "Start with a baseline." in fetch(csv_url)[1].decode()


# --- A store that does not answer --------------------------------------------------------


@pytest.fixture
def unreachable_bucket(settings, environment):
    """A bucket whose store does not answer (nothing listens on its port),
    tried once: production's retries would only make the test slower."""
    environment(**BUCKET, **CREDENTIALS, AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    storage = project_settings.s3_storage()
    options = storage["OPTIONS"]
    options["client_config"] = options["client_config"].merge(
        Config(retries={"mode": "standard", "max_attempts": 1})
    )
    use_bucket(settings, storage)


@pytest.mark.django_db
def test_a_photo_the_store_cannot_take_saves_nothing_and_hands_the_text_back(
    client, questions, unreachable_bucket
):
    invitation, token = invitation_with_token(name="Ada Example")
    data = {AnswersForm.field_name(q): "" for q in questions}
    data[AnswersForm.field_name(questions[0])] = "Keep this answer"
    data.update(name="Ada Renamed", action="save", photo=image_file("ada.jpg", (300, 300)))

    response = client.post(f"/submit/{token}/", data)

    assert response.status_code == 503 and response["Retry-After"]
    html = response.content.decode()
    assert "We could not store your photo just now, so nothing was saved." in html
    assert "Keep this answer" in html
    interview = Interview.objects.get(pk=invitation.interview_id)
    assert interview.mentor.name == "Ada Example" and not interview.answers.exists()


@pytest.mark.django_db
def test_a_page_that_reads_the_store_while_it_is_down_answers_503(client, unreachable_bucket):
    response = client.get("/data/")
    assert response.status_code == 503 and response["Cache-Control"] == "no-store"
    assert "The site cannot reach its file storage right now." in response.content.decode()

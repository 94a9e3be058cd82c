"""Mail out of the request: the outbox, the task queue, a real SMTP server.

Every message here goes through aiosmtpd (tests/smtp.py) and is read back
as the server received it. Tests marked `database_tasks` keep the database
queue, as production does, and run the worker's loop themselves.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from interviews import emails, services, tasks
from interviews.models import Interview, Invitation, OutgoingEmail
from interviews.models.mail import MAX_ATTEMPTS
from tests.factories import AnswerFactory, invitation_with_token
from tests.servers import ROOT, settings_url
from tests.smtp import SmtpServer
from tests.test_following import confirmed as confirmed_follower
from tests.test_submission import form_data
from tools.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        server.django_settings(settings)
        yield server


@pytest.fixture
def submitted(questions):
    invitation, _ = invitation_with_token(name="Ada Example", email="ada@example.com")
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0])
    services.submit(interview)
    return interview


@pytest.fixture
def run_worker(monkeypatch):
    """The worker's loop until nothing is ready (what `manage.py worker` runs), in
    this process. Its check for stale database connections would close the
    test's own (an open transaction looks stale), so it is left out here."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )


def test_a_published_notice_arrives_with_a_text_and_an_html_part_and_a_working_link(
    smtp, settings, client, editor, questions
):
    settings.SITE_URL = "http://testserver"
    invitation, _ = invitation_with_token(name="Ada Example", email="ada@example.com")
    interview = invitation.interview
    AnswerFactory(interview=interview, question=questions[0])
    services.submit(interview)
    smtp.received.clear()

    services.publish(interview, by=editor)

    (message,) = smtp.messages
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Your interview is published"
    assert message["Message-ID"].startswith("<event.")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://testserver{interview.mentor.get_absolute_url()}"
    assert link in text and f'href="{link}"' in html
    assert client.get(urlsplit(link).path).status_code == 200
    assert OutgoingEmail.objects.get(kind="published").status == OutgoingEmail.Status.SENT


@pytest.mark.database_tasks
def test_the_change_commits_with_its_queued_message_and_sends_nothing_itself(
    smtp, run_worker, submitted, editor
):
    smtp.received.clear()
    OutgoingEmail.objects.all().delete()
    DBTaskResult.objects.all().delete()

    services.publish(submitted, by=editor)

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED and email.kind == "published"
    task = DBTaskResult.objects.get(task_path="interviews.tasks.deliver")
    assert task.status == TaskResultStatus.READY and task.args_kwargs["args"] == [email.pk]
    assert smtp.messages == []  # the request never talked to the mail server

    run_worker()
    assert [m["Subject"] for m in smtp.messages] == ["Your interview is published"]


@pytest.mark.database_tasks
def test_a_rolled_back_change_leaves_no_message_and_no_task(submitted, editor):
    OutgoingEmail.objects.all().delete()
    DBTaskResult.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.publish(submitted, by=editor)
        raise RuntimeError("the editor's request failed after publishing")

    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert Interview.objects.get(pk=submitted.pk).status == Interview.Status.SUBMITTED


@pytest.mark.database_tasks
def test_with_the_mail_server_down_everything_is_kept_and_delivered_once_when_it_is_back(
    smtp, run_worker, submitted, editor, settings
):
    settings.EMAIL_RETRY_SECONDS = 1
    settings.EDITOR_EMAILS = ["ed@example.com"]
    run_worker()  # the submission's two messages
    confirmed_follower("fan@example.com", follows_all=True)
    smtp.received.clear()
    smtp.stop()

    services.publish(submitted, by=editor)  # the mentor's notice, and one to the follower
    services.follow(
        "reader@example.com",
        frequency="instant",
        follows_all=True,
        questions=[],
        lessons=[],
        mentors=[],
    )
    invitation, _ = services.invite(name="Grace Example", email="grace@example.com", days=10)
    run_worker()

    waiting = OutgoingEmail.objects.queued()
    assert waiting.count() == 4
    for email in waiting:
        assert email.attempts == 1 and "Connection refused" in email.last_error
        assert email.next_attempt_at > timezone.now() - timezone.timedelta(seconds=1)
    assert Invitation.objects.get(pk=invitation.pk).last_sent_at is None

    smtp.start()
    OutgoingEmail.objects.queued().update(next_attempt_at=timezone.now())
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()
    run_worker()  # nothing is sent twice, however often the worker passes

    # Each message exactly once: the mentor's notice, the follower's, the
    # reader's confirmation request, the invitation.
    assert sorted(m["To"] for m in smtp.messages) == [
        "ada@example.com",
        "fan@example.com",
        "grace@example.com",
        "reader@example.com",
    ]
    assert len({m["Message-ID"] for m in smtp.messages}) == 4
    assert not OutgoingEmail.objects.queued().exists()
    assert Invitation.objects.get(pk=invitation.pk).last_sent_at is not None


def test_a_message_already_sent_is_not_sent_again_when_its_task_runs_again(smtp, submitted):
    sent = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT)
    assert sent.count() == 1  # the mentor's thanks (no editors configured)
    before = len(smtp.messages)

    tasks.deliver.call(sent.get().pk)
    tasks.deliver_batch.call([sent.get().pk, sent.get().pk])

    assert len(smtp.messages) == before


def test_queueing_the_same_key_twice_is_one_message(smtp, submitted):
    first = emails.queue("rejected", "x@example.com", {"mentor": submitted.mentor}, key="k:1")
    second = emails.queue("rejected", "x@example.com", {"mentor": submitted.mentor}, key="k:1")
    assert first.pk == second.pk
    assert [m["To"] for m in smtp.messages].count("x@example.com") == 1


@pytest.mark.database_tasks
def test_a_message_left_behind_by_a_dead_worker_is_found_and_sent_once(smtp, run_worker, submitted):
    """The worker died mid-send: its task stays RUNNING forever, the row queued."""
    email = OutgoingEmail.objects.get(kind="submitted_mentor")
    DBTaskResult.objects.filter(task_path="interviews.tasks.deliver").update(
        status=TaskResultStatus.RUNNING
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timezone.timedelta(hours=1)
    )

    run_worker()  # starts the housekeeping chain, which finds the message

    assert [m["Subject"] for m in smtp.messages].count(email.subject) == 1
    assert OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.SENT


def test_a_message_that_keeps_failing_is_shown_failed_and_the_admin_retries_it(
    settings, submitted, editor_client
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    email = OutgoingEmail.objects.get(kind="submitted_mentor")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.QUEUED, attempts=MAX_ATTEMPTS - 1
    )

    tasks.deliver.call(email.pk)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == MAX_ATTEMPTS
    listing = editor_client.get("/admin/interviews/outgoingemail/?status=failed").content.decode()
    assert email.subject in listing
    detail = editor_client.get(f"/admin/interviews/outgoingemail/{email.pk}/change/")
    assert "Connection refused" in detail.content.decode()

    with SmtpServer() as smtp:
        smtp.django_settings(settings)
        response = editor_client.post(
            "/admin/interviews/outgoingemail/",
            {"action": "retry", "_selected_action": [email.pk]},
        )
        assert response.status_code == 302
        assert [m["Subject"] for m in smtp.messages] == [email.subject]
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


class ConnectionCounter:
    """A TCP port that counts who connects (and never answers): a mail server
    the request would hang on if it talked to one."""

    def __init__(self):
        self.port = free_port()
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self.sock.close()


@pytest.mark.database_tasks
def test_the_mentors_submit_never_waits_for_the_mail_server(client, questions, settings):
    """Submitting with the mail server unreachable answers at once: the
    request only writes the outbox; no connection to the server is made."""
    counter = ConnectionCounter()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", counter.port
        settings.EDITOR_EMAILS = ["ed@example.com"]
        settings.MENTOR_MIN_ANSWERS = 1
        _, token = invitation_with_token(email="ada@example.com")

        response = client.post(
            f"/submit/{token}/", {**form_data(questions, {0: "An answer."}), "action": "submit"}
        )

        assert response.status_code == 302
        assert counter.connections == 0
        assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
            "ada@example.com",
            "ed@example.com",
        ]
    finally:
        counter.close()


@pytest.mark.database_tasks
@pytest.mark.django_db(transaction=True)
def test_the_worker_process_sends_what_a_committed_change_queued(smtp, questions, tmp_path):
    """`manage.py worker` as production runs it: its own process, the queue in
    PostgreSQL, the real SMTP server; stopped with SIGTERM."""
    services.invite(name="Grace Example", email="grace@example.com", days=10)
    env = {
        **os.environ,
        "DATABASE_URL": settings_url(connection.settings_dict),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        # Its housekeeping may rebuild the dataset: not into the checkout's media/.
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        assert worker.wait(timeout=20) is not None
    assert [m["To"] for m in smtp.messages] == ["grace@example.com"], (
        tmp_path / "worker.log"
    ).read_text()
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_the_admin_index_points_editors_to_emails_that_could_not_be_sent(submitted, editor_client):
    assert "could not be sent" not in editor_client.get("/admin/").content.decode()
    OutgoingEmail.objects.update(status=OutgoingEmail.Status.FAILED, last_error="Boom")
    html = editor_client.get("/admin/").content.decode()
    assert "Emails that could not be sent: <strong>1</strong>" in html
    assert "/admin/interviews/outgoingemail/?status=failed" in html

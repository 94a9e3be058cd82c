"""The worker's every-minute run: what no request enqueues.

Deliveries a dead worker left behind, a dataset or search vocabulary older
than the content, search tiers whose newest has outgrown its size, and
following's own upkeep (expired follow requests, the
weekly digest when due). `manage.py worker` starts the chain; each run queues the next, and
several workers share the one chain. It sits above tasks.py and
following.py, which never import it, so the modules depend one way.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks_db.models import DBTaskResult

from . import dataset, following, search, tasks
from .models import OutgoingEmail, SearchEntry

EVERY = timedelta(seconds=60)


@task()
def housekeeping():
    """What the worker does every minute, whatever was enqueued: deliveries a dead
    worker left behind, a dataset older than the content, and the next run."""
    run_housekeeping()
    if not waiting():
        housekeeping.using(run_after=timezone.now() + EVERY).enqueue()


def run_housekeeping():
    now = timezone.now()
    due = OutgoingEmail.objects.queued().filter(next_attempt_at__lte=now)
    # Without deferred retries (the immediate backend) every due message is sent from here.
    overdue = due.overdue() if default_task_backend.supports_defer else due
    ids = list(overdue.values_list("pk", flat=True)[:1000])
    for start in range(0, len(ids), 100):
        tasks.deliver_batch.enqueue(ids[start : start + 100])
    if dataset.is_stale():
        tasks.rebuild_dataset.enqueue()
    if search.search_terms_stale():
        tasks.rebuild_search_terms.enqueue()
    if SearchEntry.objects.retier_due():
        tasks.retier_search_entries.enqueue()
    following.housekeeping(now)
    return len(ids)


def waiting():
    """Whether a housekeeping run is already queued (several workers share one chain)."""
    return DBTaskResult.objects.filter(
        task_path=housekeeping.module_path, status=TaskResultStatus.READY
    ).exists()

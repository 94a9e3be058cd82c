"""`manage.py worker`: run the background tasks (interviews/tasks.py).

django-tasks-db's `db_worker`, plus the periodic housekeeping: on start it
queues a housekeeping run unless one is waiting, which then queues the next
one a minute later. Run as many workers as you like (docs/deploy.md): they
share the queue and the one housekeeping chain.
"""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from interviews import housekeeping


class Command(DBWorkerCommand):
    help = "Run the background tasks: email delivery, dataset rebuilds, housekeeping."

    def handle(self, *args, **options):
        if not housekeeping.waiting():
            housekeeping.housekeeping.enqueue()
        return super().handle(*args, **options)

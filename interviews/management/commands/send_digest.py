"""Queue this week's digest for every weekly follower; the worker delivers it.

The worker's housekeeping does the same once a week by itself
(settings.FOLLOW_DIGEST_WEEKDAY and FOLLOW_DIGEST_HOUR); this command is
for running it by hand. Each address is considered once per ISO week, so
running it again the same week queues nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from interviews import following, services


class Command(BaseCommand):
    help = "Queue the weekly digest for every weekly follower not yet sent this week's."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=following.BATCH_SIZE,
            help="Subscribers read, and messages handed to one delivery task, at a time.",
        )

    def handle(self, *args, batch_size, **options):
        if not 1 <= batch_size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000.")
        started = time.monotonic()

        def progress(read, queued):
            self.stdout.write(
                f"{read:,} subscribers read, {queued:,} digests queued "
                f"({time.monotonic() - started:.1f} s)"
            )

        queued = services.send_weekly_digest(progress=progress, batch_size=batch_size)
        self.stdout.write(f"Done: {queued:,} digests queued in {time.monotonic() - started:.1f} s.")

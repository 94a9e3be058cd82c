"""`manage.py export_dataset DIR`: the open dataset (interviews/dataset.py) into DIR."""

from django.core.management.base import BaseCommand, CommandError

from interviews import dataset


class Command(BaseCommand):
    help = (
        "Write every CC BY 4.0 answer, with its mentors, questions and lessons, as CSV and "
        "JSON Lines plus a Frictionless datapackage.json, into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write the files (created if missing)")

    def handle(self, *args, directory, **options):
        try:
            counts = dataset.write(directory)
        except OSError as exc:
            raise CommandError(f"Could not write the dataset to {directory}: {exc}") from exc
        summary = ", ".join(f"{n} {table}" for table, n in counts.items())
        self.stdout.write(f"Wrote {summary} to {directory} (datapackage.json describes them).")

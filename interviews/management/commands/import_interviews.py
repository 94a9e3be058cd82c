"""Import interviews from Markdown files or folders of them.

Every file is tried; a broken one is reported with the reason and skipped,
and the command exits non-zero at the end if any file failed. See
`interviews.importing` for the formats it reads.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interviews.importing import ImportFileError, ImportOptions, import_files

SUFFIXES = {".md", ".markdown", ".txt"}


class Command(BaseCommand):
    help = "Import interviews from Markdown files (idempotent: unchanged files change nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", type=Path, metavar="PATH", help="Files, or folders of .md files."
        )
        parser.add_argument("--mentor", default="", help="The mentor's name (one file only).")
        parser.add_argument("--role", default="", help="The mentor's job title.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the interviews (default: drafts)."
        )

    def handle(self, *args, paths, mentor, role, dry_run, publish, **options):
        sources = list(read_sources(paths))
        if mentor and len(sources) > 1:
            raise CommandError("--mentor names one mentor: import one file with it.")
        options = ImportOptions(mentor=mentor, role=role, publish=publish, dry_run=dry_run)
        report = import_files(sources, options)
        for file_report in report.files:
            for number, line in enumerate(file_report.lines()):
                if file_report.failed:
                    self.stderr.write(self.style.ERROR(line))
                else:
                    self.stdout.write(self.style.MIGRATE_HEADING(line) if number == 0 else line)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if dry_run:
            self.stdout.write(self.style.WARNING("dry run: nothing was saved"))
        if report.failed:
            names = ", ".join(file_report.name for file_report in report.failed)
            raise CommandError(f"{len(report.failed)} of {len(report.files)} files failed: {names}")


def read_sources(paths):
    """(name, bytes or ImportFileError) for each file, folders expanded in name order."""
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            )
            if not files:
                yield str(path), ImportFileError("no .md, .markdown or .txt files in this folder")
            for file in files:
                yield str(file), read_bytes(file)
        else:
            yield str(path), read_bytes(path)


def read_bytes(path):
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return ImportFileError("no such file or folder")
    except OSError as exc:
        return ImportFileError(f"cannot read it ({exc.strerror})")

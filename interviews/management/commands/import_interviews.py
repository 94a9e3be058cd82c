"""Import interviews from Markdown files, folders of them (read recursively) or zips.

Every file is tried and reported as it is done; at the end a summary counts
the files created, updated, unchanged, skipped (placeholders, templates),
held (a question no standard question matches, waiting for a decision) and
failed. The command exits non-zero when a file failed or was held, and says
how to decide what was held. See `interviews.importing` for the formats.
"""

import shlex
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interviews import services
from interviews.importing import ImportOptions
from interviews.importing.decisions import FOLLOW_UP, MappingError, parse_decision, read_map_file
from interviews.importing.sources import read_paths


class Command(BaseCommand):
    help = "Import interviews from Markdown files (idempotent: unchanged files change nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="PATH",
            help="Files, zips, or folders of .md, .mdx, .markdown and .txt files (recursively).",
        )
        parser.add_argument("--mentor", default="", help="The mentor's name (one file only).")
        parser.add_argument("--role", default="", help="The mentor's job title.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the interviews (default: drafts)."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="WORDING=SLUG",
            help="Place a question that matches no standard question: its wording, '=', and "
            f"a standard question's slug, or '{FOLLOW_UP}' to keep it as a follow-up. "
            "Remembered as an alternative wording of that question. Repeatable.",
        )
        parser.add_argument(
            "--map-file",
            type=Path,
            metavar="FILE",
            help="A file of WORDING=SLUG lines, as --map (# starts a comment).",
        )
        parser.add_argument(
            "--follow-ups",
            action="store_true",
            help="Keep every question that matches no standard question as a follow-up.",
        )

    def handle(self, *args, paths, mentor, role, dry_run, publish, **options):
        try:
            decisions = [parse_decision(text) for text in options["map"]]
            if options["map_file"]:
                decisions += read_map_file(options["map_file"])
        except MappingError as exc:
            raise CommandError(str(exc)) from None
        sources = list(read_paths(paths))
        if mentor and len(sources) > 1:
            raise CommandError("--mentor names one mentor: import one file with it.")
        options = ImportOptions(
            mentor=mentor,
            role=role,
            publish=publish,
            dry_run=dry_run,
            decisions=decisions,
            follow_ups=options["follow_ups"],
        )
        count = len(sources)
        done = 0

        def progress(file_report):
            nonlocal done
            done += 1
            for number, line in enumerate(file_report.lines()):
                if number == 0:
                    line = f"[{done}/{count}] {line}"
                if file_report.failed:
                    self.stderr.write(self.style.ERROR(line))
                elif number == 0:
                    self.stdout.write(self.style.MIGRATE_HEADING(line))
                else:
                    self.stdout.write(line)

        try:
            report = services.import_interviews(sources, options, progress=progress)
        except MappingError as exc:
            raise CommandError(f"--map: {exc}") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
        undecided = report.undecided()
        if undecided:
            self.stdout.write(
                f"{len(undecided)} wording{'s' if len(undecided) != 1 else ''} to decide. "
                "Import again with, for each, SLUG replaced by the standard question it asks "
                f"(the nearest are listed above) or by {FOLLOW_UP}:"
            )
            for items in undecided.values():
                self.stdout.write(f"    --map {shlex.quote(items[0][1].text + '=SLUG')}")
        if dry_run:
            self.stdout.write(self.style.WARNING("dry run: nothing was saved"))
        problems = []
        if report.failed:
            names = ", ".join(file_report.name for file_report in report.failed)
            problems.append(f"{len(report.failed)} of {len(report.files)} files failed: {names}")
        if report.held and not dry_run:
            names = ", ".join(file_report.name for file_report in report.held)
            problems.append(
                f"{len(report.held)} of {len(report.files)} files held for a decision: {names}"
            )
        if problems:
            raise CommandError("; ".join(problems))

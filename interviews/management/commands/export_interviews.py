"""Write every mentor's interview as a Markdown file that `import_interviews` reads back.

See `interviews.exporting` for the two formats."""

from pathlib import Path

from django.core.management.base import BaseCommand

from interviews.exporting import FORMATS, export_interviews


class Command(BaseCommand):
    help = (
        "Export one Markdown file per mentor's interview into DIR (overwriting same-named files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            default="site",
            help="site: this site's front matter (.md, the default); applyingml: the shape of "
            "ApplyingML's interview files (.mdx), for moving back or a static mirror.",
        )

    def handle(self, *args, directory, format, **options):
        report = export_interviews(directory, format=format)
        for name in report.written:
            self.stdout.write(f"wrote {directory / name}")
        for skipped in report.skipped:
            self.stdout.write(f"skipped {skipped}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(f"{len(report.written)} interviews exported."))

"""`manage.py make_share_images`: the share images that are missing (interviews/share.py)."""

from django.core.management.base import BaseCommand

from interviews import share


class Command(BaseCommand):
    help = (
        "Draw the link-preview image of every public answer and interview that has none "
        "(content published before share images, or bulk-loaded), and remove the images of "
        "withdrawn content. With --all, check every public one and redraw those whose card "
        "changed (a new design, site name or colours)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="check every public answer and interview"
        )

    def handle(self, *args, **options):
        def progress(label, done, total):
            if options["verbosity"] > 1:
                self.stdout.write(f"{label}: {done}/{total}")

        done = share.refresh_all(everything=options["all"], progress=progress)
        self.stdout.write(
            f"Share images: {done['answers']} answers and {done['interviews']} interviews "
            "drawn or removed."
        )

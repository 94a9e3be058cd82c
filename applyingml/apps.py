"""The project's own app config: registers the deploy checks and the admin login limit."""

from django.apps import AppConfig


class ApplyingMLConfig(AppConfig):
    """The project itself, as an app: its system checks and error templates."""

    name = "applyingml"
    verbose_name = "Applying ML"

    def ready(self):
        from . import checks, ratelimit  # noqa: F401  (register checks and signal receivers)

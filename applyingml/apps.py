"""The project's own app config: registers the deploy checks."""

from django.apps import AppConfig


class ApplyingMLConfig(AppConfig):
    """The project itself, as an app: its system checks and error templates."""

    name = "applyingml"
    verbose_name = "Applying ML"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)

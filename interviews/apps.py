"""The interviews app config: connects signals.py, and the admin site of the editors."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class InterviewsConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import pagecache, ratelimit, signals  # noqa: F401  (connects the receivers)

        # A deploy migrates: pages cached by the old code are not served by the new.
        post_migrate.connect(lambda **kwargs: pagecache.new_generation(), sender=self, weak=False)


class EditorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the editors' site (review queue, dashboard) as default."""

    default = False
    default_site = "interviews.admin_site.EditorsAdminSite"

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class InterviewsConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "interviews"
    verbose_name = "Interviews"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)


class EditorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the editors' site (review queue, dashboard) as default."""

    default = False
    default_site = "interviews.admin_site.EditorsAdminSite"

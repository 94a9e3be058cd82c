from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class InterviewsConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "interviews"
    verbose_name = "Interviews"


class EditorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the editors' site (review queue, dashboard) as default."""

    default = False
    default_site = "interviews.admin_site.EditorsAdminSite"

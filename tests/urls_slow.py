"""A URLconf with views whose statements outlast any limit a test sets, so
the tests can show what every view inherits from the statement limits
(applyingml/dblimits.py): the 503 page, a request that saves nothing, and
limits that stay within the request."""

import time

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from interviews.models import Lesson


def sleep(seconds):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])


def slow(request, seconds):
    sleep(float(seconds))
    return HttpResponse("slept")


@csrf_exempt
def save_then_run_away(request):
    """Reads, then writes (Lesson.save() has an atomic block of its own), then runs away."""
    Lesson.objects.filter(name=request.POST["name"]).exists()
    Lesson.objects.create(name=request.POST["name"])
    sleep(5)
    return HttpResponse("saved")


def idle(request, seconds):
    """A query, then time spent outside the database (as a slow upload would), then another."""
    Lesson.objects.exists()
    time.sleep(float(seconds))
    Lesson.objects.exists()
    return HttpResponse("done")


def limits(request):
    """The limits this request's statements run under, and the server process running them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'),"
            " current_setting('idle_in_transaction_session_timeout'), pg_backend_pid()"
        )
        statement, idle, pid = cursor.fetchone()
    return JsonResponse({"statement_timeout": statement, "idle": idle, "pid": pid})


urlpatterns = [
    path("slow/<str:seconds>/", slow),
    path("save-then-run-away/", save_then_run_away),
    path("idle/<str:seconds>/", idle),
    path("limits/", limits),
    path("", include("interviews.urls")),
]

"""Liveness and readiness probes for Docker and load balancers.

/healthz  200 while the process can answer at all; it touches nothing else.
/readyz   200 when every configured database answers a query, 503 when one
          does not, so a load balancer stops sending readers to a replica
          that cannot serve them.

Answered by a middleware placed first, so probes work over plain HTTP, to any
Host (the container's IP), and stay out of the request log.
"""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse

from .errors import first_line, mark_logged

logger = logging.getLogger("applyingml.health")


def databases_problem():
    """None when every database answers `SELECT 1`, else "alias: reason"."""
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            return f"{alias}: {first_line(exc)}"
    return None


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return self.respond({"status": "ok"}, 200)
        if request.path == "/readyz":
            problem = databases_problem()
            if problem:
                logger.warning("Not ready: %s", problem)
                return mark_logged(
                    self.respond({"status": "unavailable", "database": "unreachable"}, 503)
                )
            return self.respond({"status": "ok", "database": "ok"}, 200)
        return self.get_response(request)

    @staticmethod
    def respond(data, status):
        response = JsonResponse(data, status=status)
        response["Cache-Control"] = "no-store"
        return response

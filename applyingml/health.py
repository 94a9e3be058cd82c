"""Liveness and readiness probes for Docker and load balancers.

/healthz  200 while the process can answer at all; it touches nothing else.
/readyz   200 when the primary database answers a query, 503 when it does
          not, so a load balancer stops sending requests to a web replica
          that cannot serve them. A read replica that does not answer is
          reported ("replica": "unreachable") but leaves it ready: reads then
          go to the primary (dbrouter.py), and a load balancer taking every
          web replica out for it would turn a replica outage into a site outage.

Answered by a middleware placed first, so probes work over plain HTTP, to any
Host (the container's IP), and stay out of the request log.
"""

import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse

from .errors import first_line, mark_logged

logger = logging.getLogger("applyingml.health")


def database_problem(alias="default"):
    """None when the database answers `SELECT 1`, else the reason."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return first_line(exc)
    return None


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return self.respond({"status": "ok"}, 200)
        if request.path == "/readyz":
            problem = database_problem()
            if problem:
                logger.warning("Not ready: %s", problem)
                return mark_logged(
                    self.respond({"status": "unavailable", "database": "unreachable"}, 503)
                )
            answer = {"status": "ok", "database": "ok"}
            if "replica" in connections:
                # Said here, not logged: the router logs the outage once per process.
                answer["replica"] = "unreachable" if database_problem("replica") else "ok"
            return self.respond(answer, 200)
        return self.get_response(request)

    @staticmethod
    def respond(data, status):
        response = JsonResponse(data, status=status)
        response["Cache-Control"] = "no-store"
        return response

"""Error handlers (handler400/404/500 in the root URLconf)."""

from django.core.exceptions import RequestDataTooBig
from django.views import defaults

from .middleware import too_large


def bad_request(request, exception):
    # Django reports a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a 400; it is a 413.
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return defaults.bad_request(request, exception)

"""`/submit/`: people offering to share their lessons."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import ratelimit, services
from ..forms import NominationForm
from ..meta import PageMeta
from .rescue import rescued_fields


def page_meta(request):
    return PageMeta(
        title="Share your lessons",
        description="Applied machine learning at work? Offer to share what you have learned: "
        "an editor reads every nomination and sends a personal link to the questions.",
        canonical_url=request.build_absolute_uri(reverse("interviews:nominate")),
    )


def nominate(request):
    """`/submit/`: the public self-nomination form, rate limited per address."""
    if request.method != "POST":
        return render(
            request, "submit/nominate.html", {"form": NominationForm(), "meta": page_meta(request)}
        )
    address = ratelimit.client_address(request)
    decision = ratelimit.hit(f"nominate:{address}", settings.NOMINATION_RATE_LIMIT)
    if not decision.allowed:
        response = render(
            request,
            "submit/rate_limited.html",
            {"decision": decision, "rescued": rescued_fields(request)},
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after_seconds)
        return response
    form = NominationForm(request.POST)
    if not form.is_valid():
        return render(
            request, "submit/nominate.html", {"form": form, "meta": page_meta(request)}, status=400
        )
    nomination = form.save(commit=False)
    nomination.client_address = address or None
    services.nominate(nomination)
    return redirect("interviews:nominate-thanks")


def nominate_thanks(request):
    return render(request, "submit/nominate_thanks.html")

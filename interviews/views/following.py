"""`/follow/`: following new interviews and answers by email, without an account.

The form page is never a public_page: it carries a CSRF token. Pages that
link here (home, question, lesson, mentor) do so with a plain link such as
`/follow/?question=<slug>`, so nothing personal enters the page cache.

Every answer to a valid request is the same redirect to the same page,
whether the address is new, already follows, or asked a minute ago: the
site never tells who follows it. The links in messages are signed
(models/following.py); a bad one answers with a page saying what to do,
never an error.
"""

import hashlib

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from .. import ratelimit, services
from ..forms import FollowChoicesForm, FollowForm
from ..meta import PageMeta
from ..models import BadFollowLink, Lesson, Mentor, Question, Subscriber

LINK_PROBLEMS = {
    "tampered": (
        404,
        "This link does not work",
        "This link is incomplete or has been changed. Please copy the whole link from the "
        "email: some email programs break long links over two lines.",
    ),
    "expired": (
        410,
        "This link has expired",
        "Confirmation links work for seven days, and this one has run out. Nothing was "
        "changed: ask again and we will send a new link.",
    ),
    "gone": (
        410,
        "This address follows nothing here",
        "The address this link was sent to has stopped following the site, so we no "
        "longer keep it.",
    ),
    "replaced": (
        410,
        "This link was replaced",
        "A newer request was made for this address, and only its link works. Please use "
        "the link in the most recent email.",
    ),
}


def page_meta(request):
    return PageMeta(
        title="Follow by email",
        description="New interviews, and new answers to the questions, lessons and mentors you "
        "choose, by email as they appear or as a weekly digest. No account needed.",
        canonical_url=request.build_absolute_uri(reverse("interviews:follow")),
    )


def preselected(request):
    """(initial values, lessons, mentors to offer) from `?question=`, `?lesson=`,
    `?mentor=` and `?all=1`: what the page the reader came from is about."""
    initial = {"follows_all": request.GET.get("all") == "1"}
    slug = {name: request.GET.get(name, "")[:140] for name in ("question", "lesson", "mentor")}
    question = slug["question"] and Question.objects.public().filter(slug=slug["question"]).first()
    lesson = slug["lesson"] and Lesson.objects.public().filter(slug=slug["lesson"]).first()
    mentor = slug["mentor"] and Mentor.objects.published().filter(slug=slug["mentor"]).first()
    initial["questions"] = [question.pk] if question else []
    initial["lessons"] = [lesson.pk] if lesson else []
    initial["mentors"] = [mentor.pk] if mentor else []
    if not (question or lesson or mentor):
        initial["follows_all"] = True
    return initial, [lesson] if lesson else [], [mentor] if mentor else []


def posted_initial(request):
    """What was posted, as initial values: the form shown again without errors."""
    data = request.POST
    return {
        "email": data.get("email", ""),
        "follows_all": bool(data.get("follows_all")),
        "questions": data.getlist("questions"),
        "lessons": data.getlist("lessons"),
        "mentors": data.getlist("mentors"),
        "frequency": data.get("frequency", ""),
    }


def rate_limit(request):
    """The first refusal among the client address's and the email address's limits, or None."""
    limit = settings.FOLLOW_RATE_LIMIT
    keys = [
        (f"follow:address:{ratelimit.client_address(request)}", limit * ratelimit.ADDRESS_FACTOR)
    ]
    email = request.POST.get("email", "").strip().lower()
    if email:
        # Hashed: the table of counts holds no addresses.
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        keys.append((f"follow:email:{digest}", limit))
    for key, key_limit in keys:
        decision = ratelimit.hit(key, key_limit)
        if not decision.allowed:
            return decision
    return None


def follow(request):
    """`/follow/`: the form, and the request it sends."""
    if request.method != "POST":
        initial, lessons, mentors = preselected(request)
        form = FollowForm(initial=initial, offered_lessons=lessons, offered_mentors=mentors)
        return render(request, "following/follow.html", {"form": form, "meta": page_meta(request)})
    decision = rate_limit(request)
    if decision is not None:
        form = FollowForm(initial=posted_initial(request))
        response = render(
            request,
            "following/follow.html",
            {"form": form, "meta": page_meta(request), "decision": decision},
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after_seconds)
        return response
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(
            request, "following/follow.html", {"form": form, "meta": page_meta(request)}, status=400
        )
    services.follow(form.cleaned_data["email"], **form.follows())
    return redirect("interviews:follow-sent")


def follow_sent(request):
    return render(request, "following/sent.html")


def link_problem(request, reason):
    status, title, message = LINK_PROBLEMS[reason]
    return render(
        request,
        "following/link_problem.html",
        {"title": title, "message": message, "follow_url": reverse("interviews:follow")},
        status=status,
    )


@never_cache
def follow_confirm(request, token):
    """`/follow/confirm/<token>/`: opening the link applies the request it was sent for."""
    try:
        subscriber, key = Subscriber.from_token(token, purpose="confirm")
    except BadFollowLink as problem:
        return link_problem(request, problem.reason)
    # False for a link opened twice, or an older link of a confirmed address
    # (what it follows stands); for an unconfirmed one, a newer request replaced it.
    if not services.confirm_follow(subscriber, key) and not subscriber.is_confirmed:
        return link_problem(request, "replaced")
    return render(request, "following/confirmed.html", {"manage_link": subscriber.manage_link})


def choices_initial(subscriber, lessons, mentors):
    return {
        "frequency": subscriber.frequency,
        "follows_all": subscriber.follows_all,
        "questions": [q.pk for q in subscriber.questions.all()],
        "lessons": [lesson.pk for lesson in lessons],
        "mentors": [m.pk for m in mentors],
    }


@never_cache
def follow_manage(request, token):
    """`/follow/manage/<token>/`: change what the address follows, or stop."""
    try:
        subscriber, _ = Subscriber.from_token(token, purpose="manage")
    except BadFollowLink as problem:
        return link_problem(request, problem.reason)
    # Only what readers can still see: a withdrawn mentor's box would make
    # the form invalid, and saving drops it.
    offered = {
        "offered_lessons": list(subscriber.lessons.public()),
        "offered_mentors": list(subscriber.mentors.published()),
    }
    status, saved = 200, False
    if request.method == "POST" and subscriber.is_confirmed:
        form = FollowChoicesForm(request.POST, **offered)
        if form.is_valid():
            services.change_follows(subscriber, **form.follows())
            saved = True
        else:
            status = 400
    else:
        initial = choices_initial(
            subscriber, offered["offered_lessons"], offered["offered_mentors"]
        )
        form = FollowChoicesForm(initial=initial, **offered)
    context = {
        "subscriber": subscriber,
        "form": form,
        "saved": saved,
        "unsubscribe_url": reverse("interviews:follow-unsubscribe", args=[token]),
    }
    return render(request, "following/manage.html", context, status=status)


@csrf_exempt  # RFC 8058: mail programs POST here without a form, so without a token
@never_cache
def follow_unsubscribe(request, token):
    """`/follow/unsubscribe/<token>/`, the List-Unsubscribe address.

    GET shows a button and changes nothing (mail scanners open links); POST
    (the button, or a mail program's one-click `List-Unsubscribe=One-Click`)
    deletes the address. Posting again answers the same: it is gone.
    """
    try:
        subscriber, _ = Subscriber.from_token(token, purpose="manage")
    except BadFollowLink as problem:
        if problem.reason != "gone":
            return link_problem(request, problem.reason)
        subscriber = None
    if request.method == "POST":
        if subscriber is not None:
            services.unfollow(subscriber)
        return render(request, "following/unsubscribed.html")
    if subscriber is None:
        return render(request, "following/unsubscribed.html")
    return render(request, "following/unsubscribe.html", {"subscriber": subscriber})

"""The interviews app's models, by topic.

- content: mentors, the question set, interviews and answers
- lessons: lesson tags, their old slugs, the tagging rows
- counts: stored counts of published answers (per question, per lesson)
- workflow: the editors' transitions and their audit trail
- revisions: a mentor's edits after publishing, reviewed before going live, and
  the answers' earlier versions they replace
- collecting: invitation links, nominations, rate limits
- following: readers who follow new interviews and answers by email
- resources: the links answers cite, with stored counts (per question, per lesson)
- imports: uploaded files waiting between the admin's import preview and import
- mail: the outbox, every email until it is delivered
- vocabulary: the words published answers use, for "Did you mean …"
- searching: the narrow copy of published answers search reads, in recency tiers
"""

from .collecting import Invitation, InvitationQuerySet, Nomination, RateLimitWindow, TamperedLink
from .content import Answer, Interview, Mentor, Question, last_public_change, unique_slug
from .counts import LessonUse, refresh_counts
from .following import BadFollowLink, Subscriber
from .imports import ImportUpload
from .lessons import Lesson, LessonRedirect, TaggedAnswer
from .mail import OutgoingEmail
from .resources import (
    Citation,
    LessonResource,
    QuestionResource,
    Resource,
    record_citations,
    refresh_resource_counts,
)
from .revisions import AnswerVersion, Revision, RevisionAnswer
from .searching import SearchEntry, SearchTierBoundary
from .vocabulary import SearchTerm
from .workflow import TRANSITIONS, InterviewEvent, InvalidTransition

__all__ = [
    "TRANSITIONS",
    "Answer",
    "AnswerVersion",
    "BadFollowLink",
    "Citation",
    "ImportUpload",
    "Interview",
    "InterviewEvent",
    "InvalidTransition",
    "Invitation",
    "InvitationQuerySet",
    "Lesson",
    "LessonRedirect",
    "LessonResource",
    "LessonUse",
    "Mentor",
    "Nomination",
    "OutgoingEmail",
    "Question",
    "QuestionResource",
    "RateLimitWindow",
    "Resource",
    "Revision",
    "RevisionAnswer",
    "SearchEntry",
    "SearchTerm",
    "SearchTierBoundary",
    "Subscriber",
    "TaggedAnswer",
    "TamperedLink",
    "last_public_change",
    "record_citations",
    "refresh_counts",
    "refresh_resource_counts",
    "unique_slug",
]

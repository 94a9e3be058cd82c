"""The interviews app's models, by topic.

- content: mentors, the question set, interviews, answers and lessons
- workflow: the editors' transitions and their audit trail
- revisions: a mentor's edits after publishing, reviewed before going live
- collecting: invitation links, nominations, rate limits
"""

from .collecting import Invitation, InvitationQuerySet, Nomination, RateLimitWindow, TamperedLink
from .content import (
    Answer,
    Interview,
    Lesson,
    LessonRedirect,
    Mentor,
    Question,
    TaggedAnswer,
    unique_slug,
)
from .revisions import Revision, RevisionAnswer
from .workflow import TRANSITIONS, InterviewEvent, InvalidTransition

__all__ = [
    "TRANSITIONS",
    "Answer",
    "Interview",
    "InterviewEvent",
    "InvalidTransition",
    "Invitation",
    "InvitationQuerySet",
    "Lesson",
    "LessonRedirect",
    "Mentor",
    "Nomination",
    "Question",
    "RateLimitWindow",
    "Revision",
    "RevisionAnswer",
    "TaggedAnswer",
    "TamperedLink",
    "unique_slug",
]

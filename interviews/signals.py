"""The one mechanism that runs upkeep.py: every save and delete of the content models.

Tagging writes `TaggedAnswer` rows one by one (taggit's add, remove, set and
clear; the admin's lesson inline; cascades when a lesson is deleted). Taggit
wraps its own writes in m2m_changed pre_/post_ signals, so a change of five
lessons is one upkeep at its post_ signal, not five; a row written any other
way (the admin's inline, a cascade) is its own change.
"""

import threading

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import upkeep
from .models import Answer, Interview, Lesson, Mentor, Question, TaggedAnswer

# Answers inside a taggit add/remove/clear, between its pre_ and post_ signals.
_in_tag_change = threading.local()


def _batching():
    if not hasattr(_in_tag_change, "answers"):
        _in_tag_change.answers = set()
    return _in_tag_change.answers


@receiver(m2m_changed, sender=TaggedAnswer)
def lessons_changed(sender, instance, action, **kwargs):
    if action.startswith("pre_"):
        _batching().add(instance.pk)
    elif action.startswith("post_"):
        _batching().discard(instance.pk)
        upkeep.lessons_changed([instance.pk])


@receiver(post_save, sender=TaggedAnswer)
@receiver(post_delete, sender=TaggedAnswer)
def tagging_row_changed(sender, instance, **kwargs):
    if instance.content_object_id not in _batching():
        upkeep.lessons_changed([instance.content_object_id])


@receiver(post_save, sender=Answer)
def answer_saved(sender, instance, created, **kwargs):
    upkeep.answer_saved(instance, created)


@receiver(pre_delete, sender=Answer)
def answer_deleting(sender, instance, **kwargs):
    upkeep.answer_deleting(instance)


@receiver(post_delete, sender=Answer)
def answer_deleted(sender, instance, **kwargs):
    upkeep.answer_deleted(instance)


@receiver(post_save, sender=Interview)
def interview_saved(sender, instance, created, **kwargs):
    upkeep.interview_saved(instance, created)


@receiver(post_delete, sender=Interview)
def interview_deleted(sender, instance, **kwargs):
    upkeep.interview_deleted(instance)


@receiver(post_save, sender=Mentor)
def mentor_saved(sender, instance, created, **kwargs):
    upkeep.mentor_saved(instance, created)


@receiver(post_save, sender=Question)
def question_saved(sender, instance, created, update_fields, **kwargs):
    upkeep.question_saved(instance, created, update_fields)


@receiver(post_delete, sender=Question)
@receiver(post_delete, sender=Lesson)
def wording_deleted(sender, instance, **kwargs):
    upkeep.wording_deleted(instance)


@receiver(post_save, sender=Lesson)
def lesson_saved(sender, instance, created, **kwargs):
    upkeep.lesson_saved(instance, created)

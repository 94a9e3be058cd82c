"""What follows a change to content: search documents, stored counts, cached pages.

Tagging writes `TaggedAnswer` rows one by one (taggit's add, remove, set and
clear; the admin's lesson inline; cascades when a lesson is deleted), and each
write sends post_save or post_delete, so listening here catches every way an
answer gains or loses a lesson. Saving an Answer, Mentor, Question or Lesson
refreshes the search documents it feeds in its own `save()`; Interview.save()
keeps its answers' public date and the counts in step when it is published
or withdrawn.

Only changes readers can see invalidate the page cache: a mentor saving a
draft leaves every cached page as it is. Bulk `QuerySet.update()` calls send
no signals; the code that makes them (a lesson merge, search documents)
refreshes and invalidates itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import pagecache
from .models import Answer, Interview, Lesson, Mentor, Question, TaggedAnswer, refresh_counts


@receiver(post_save, sender=TaggedAnswer)
@receiver(post_delete, sender=TaggedAnswer)
def tagging_changed(sender, instance, **kwargs):
    answers = Answer.objects.filter(pk=instance.content_object_id)
    answers.update_search_fields()
    question = answers.published().values_list("question_id", flat=True).first()
    if question is not None:
        refresh_counts([question])
        pagecache.invalidate()


@receiver(post_save, sender=Answer)
def answer_saved(sender, instance, created, **kwargs):
    if instance.published_at is not None:
        if created:
            refresh_counts([instance.question_id])
        pagecache.invalidate()


@receiver(post_delete, sender=Answer)
def answer_deleted(sender, instance, **kwargs):
    if instance.published_at is not None:
        refresh_counts([instance.question_id])
        pagecache.invalidate()


@receiver(post_delete, sender=Interview)
def interview_deleted(sender, instance, **kwargs):
    # Its answers went first (a cascade), each refreshing its question's counts.
    if instance.is_public:
        pagecache.invalidate()


@receiver(post_save, sender=Mentor)
def mentor_saved(sender, instance, created, **kwargs):
    if not created and Interview.objects.published().filter(mentor=instance).exists():
        pagecache.invalidate()


@receiver(post_save, sender=Question)
@receiver(post_delete, sender=Question)
@receiver(post_save, sender=Lesson)
@receiver(post_delete, sender=Lesson)
def wording_changed(sender, instance, created=False, **kwargs):
    # A new lesson is on no published answer yet; anything else may be shown.
    if not (sender is Lesson and created):
        pagecache.invalidate()

"""What follows a change to content: search documents and stored counts.

Tagging writes `TaggedAnswer` rows one by one (taggit's add, remove, set and
clear; the admin's lesson inline; cascades when a lesson is deleted), and each
write sends post_save or post_delete, so listening here catches every way an
answer gains or loses a lesson. Saving an Answer, Mentor, Question or Lesson
refreshes the search documents it feeds in its own `save()`; Interview.save()
keeps its answers' public date and the counts in step when it is published
or withdrawn.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Answer, TaggedAnswer, refresh_counts


@receiver(post_save, sender=TaggedAnswer)
@receiver(post_delete, sender=TaggedAnswer)
def tagging_changed(sender, instance, **kwargs):
    answers = Answer.objects.filter(pk=instance.content_object_id)
    answers.update_search_vector()
    question = answers.published().values_list("question_id", flat=True).first()
    if question is not None:
        refresh_counts([question])


@receiver(post_save, sender=Answer)
def answer_saved(sender, instance, created, **kwargs):
    if created and instance.published_at is not None:
        refresh_counts([instance.question_id])


@receiver(post_delete, sender=Answer)
def answer_deleted(sender, instance, **kwargs):
    if instance.published_at is not None:
        refresh_counts([instance.question_id])

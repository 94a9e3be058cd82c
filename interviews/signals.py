"""Keep answers' stored search documents in step with their lessons.

Tagging writes `TaggedAnswer` rows one by one (taggit's add, remove, set and
clear; the admin's lesson inline; cascades when a lesson is deleted), and each
write sends post_save or post_delete, so listening here catches every way an
answer gains or loses a lesson. Saving an Answer, Mentor, Question or Lesson
refreshes the documents it feeds in its own `save()`.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Answer, TaggedAnswer


@receiver(post_save, sender=TaggedAnswer)
@receiver(post_delete, sender=TaggedAnswer)
def refresh_search_vector_of_tagged_answer(sender, instance, **kwargs):
    Answer.objects.filter(pk=instance.content_object_id).update_search_vector()

"""Re-render every stored HTML field with the markdown-it renderer (issue 16).

Answers and introductions keep their Markdown; only the stored HTML (and the
answers' plain text, and so their search vector) follows the new renderer:
nested lists, working footnotes, tables and code blocks a keyboard reaches.

Written for 160,000 answers: rows are read in primary-key order through a
server-side cursor, only those whose HTML changes are written, in chunks by
`bulk_update` (no `save()`, so no signals and no upkeep: nothing but the text
changes), and the search vector is refreshed in SQL for those rows alone.
"""

from django.db import migrations

from interviews.markdown import (
    answer_anchor,
    html_to_text,
    intro_anchor,
    render_markdown,
    site_image_origins,
)
from interviews.models.content import answer_search_vector

CHUNK = 2000


def rerender(apps, schema_editor):
    origins = site_image_origins()
    Answer = apps.get_model("interviews", "Answer")
    Interview = apps.get_model("interviews", "Interview")

    def flush(changed):
        Answer.objects.bulk_update(changed, ["body_html", "body_text"], batch_size=CHUNK)
        Answer.objects.filter(pk__in=[a.pk for a in changed]).update(
            search_vector=answer_search_vector(apps, config="english")
        )
        changed.clear()

    changed = []
    rows = Answer.objects.only("pk", "interview_id", "question_id", "body", "body_html")
    for answer in rows.order_by("pk").iterator(chunk_size=CHUNK):
        anchor = answer_anchor(answer.interview_id, answer.question_id)
        html = render_markdown(answer.body, anchor, origins)
        if html != answer.body_html:
            answer.body_html = html
            answer.body_text = html_to_text(html)
            changed.append(answer)
            if len(changed) >= CHUNK:
                flush(changed)
    if changed:
        flush(changed)

    interviews = []
    for interview in Interview.objects.only("pk", "mentor_id", "intro", "intro_html").iterator(
        chunk_size=CHUNK
    ):
        html = render_markdown(interview.intro, intro_anchor(interview.mentor_id), origins)
        if html != interview.intro_html:
            interview.intro_html = html
            interviews.append(interview)
    Interview.objects.bulk_update(interviews, ["intro_html"], batch_size=CHUNK)


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0017_resources"),
    ]

    operations = [
        migrations.RunPython(rerender, migrations.RunPython.noop, elidable=True),
    ]

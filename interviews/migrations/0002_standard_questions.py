# Seeds the 16 standard questions every mentor is asked, in order and with
# their canonical wording. Titles, slugs and help texts may be refined later
# in the admin; this migration only creates rows that are missing.

from django.db import migrations

STANDARD_QUESTIONS = [
    (
        1,
        "role-and-work",
        "Your role and work",
        "Please share a bit about yourself: your current role, where you work, and what you do?",
        "Your title, team and company, and what a typical project of yours looks like.",
    ),
    (
        2,
        "path-into-ml",
        "Path into machine learning",
        "What was your path towards working with machine learning? What factors helped along the way?",
        "Education, career changes, people and resources that helped.",
    ),
    (
        3,
        "day-to-day",
        "Day-to-day",
        "How do you spend your time day-to-day?",
        "A rough split of meetings, building, reviewing, writing and learning.",
    ),
    (
        4,
        "working-with-business",
        "Working with the business",
        "How do you work with business to identify and define problems suited for machine learning? How do you align ML projects with business objectives?",
        "How problems reach you, how you decide ML fits, how success is agreed.",
    ),
    (
        5,
        "user-empathy",
        "Empathy with end-users",
        "Machine learning systems can be several steps removed from users, relative to product and UI. How do you maintain empathy with your end-users?",
        "How you stay close to the people your models affect.",
    ),
    (
        6,
        "new-problem",
        "Approaching a new problem",
        "Imagine you're given a new, unfamiliar problem to solve with machine learning. How would you approach it?",
        "Your first steps, questions you ask, baselines you try.",
    ),
    (
        7,
        "collaboration",
        "Collaboration and scaling yourself",
        "Designing, building, and operating ML systems is a big effort. Who do you collaborate with? How do you scale yourself?",
        "The roles you work with, and how your impact reaches beyond your own work.",
    ),
    (
        8,
        "team-structure",
        "Structuring DS/ML teams",
        "There are many ways to structure DS/ML teams—what have you seen work, or not work?",
        "Centralised, embedded, hybrid: what you have seen and why it worked or failed.",
    ),
    (
        9,
        "rapid-iteration",
        "Rapid iteration",
        "How does your organization or team enable rapid iteration on machine learning experiments and systems?",
        "Infrastructure, data access and habits that shorten the loop.",
    ),
    (
        10,
        "processes-and-tools",
        "Processes, tools and artifacts",
        "What processes, tools, or artifacts have you found helpful in the machine learning lifecycle? What would you introduce if you joined a new team?",
        "Design docs, checklists, experiment tracking, reviews: what earns its keep.",
    ),
    (
        11,
        "quantifying-impact",
        "Quantifying impact",
        "How do you quantify the impact of your work? What was the greatest impact you made?",
        "Metrics, experiments and the work you are proudest of.",
    ),
    (
        12,
        "monitoring-in-production",
        "Monitoring and retraining",
        "After shipping your ML project, how do you monitor performance in production? Did you have to update pipelines or retrain models—how manual or automatic was this?",
        "What you watch after launch, and how models and pipelines are refreshed.",
    ),
    (
        13,
        "when-ml-was-wrong",
        "When ML was the wrong fit",
        "What's a problem you encountered where machine learning seemed like the right solution, but turned out to be wrong? What was the eventual solution?",
        "A problem where a simpler or different solution won.",
    ),
    (
        14,
        "effective-practitioners",
        "Traits of effective practitioners",
        "Think of people who are able to apply ML effectively–what skills or traits do you think contributed to that?",
        "Skills and habits you see in people who apply ML well.",
    ),
    (
        15,
        "lessons-and-advice",
        "Lessons learned at work",
        "Do you have any lessons or advice about applying ML that's especially helpful? Anything that you didn't learn at school or via a book (i.e., only at work)?",
        "Advice you wish you had been given earlier.",
    ),
    (
        16,
        "continuous-learning",
        "Learning continuously",
        "How do you learn continuously? What are some resources or role models that you've learned from?",
        "Books, courses, papers, communities and people you learn from.",
    ),
]


def seed_questions(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    for position, slug, title, text, help_text in STANDARD_QUESTIONS:
        Question.objects.get_or_create(
            slug=slug,
            defaults={
                "position": position,
                "title": title,
                "text": text,
                "help_text": help_text,
                "is_standard": True,
                "is_active": True,
            },
        )


def unseed_questions(apps, schema_editor):
    Question = apps.get_model("interviews", "Question")
    Question.objects.filter(
        slug__in=[row[1] for row in STANDARD_QUESTIONS], answers__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunPython(seed_questions, unseed_questions)]

"""Made-up but realistic content for `seed_scale`: names, lessons and answers.

Everything comes from fixed word and phrase banks through a seeded RNG, so
mentor number n is the same person with the same answers on every machine
and in every run, whatever else is in the database. No network, no model.

Answers are Markdown made of plain paragraphs and, now and then, a bullet
list or a link to a resource (a paper, a repository, a post, a talk, a
book: a few cited very often, most rarely), written without the characters Markdown or SmartyPants would change
(quotes, apostrophes, dashes, asterisks, ampersands). That lets
`answer_html()` build the HTML directly, hundreds of times faster than
rendering 160,000 answers through Python-Markdown and nh3, with the same
result: tests/test_seed_scale.py compares the two.
"""

import random
import re
from dataclasses import dataclass
from html import escape
from itertools import accumulate


def words(text):
    return text.split()


FIRST_NAMES = words("""
Ada Aiko Alejandro Amara Amir Ana Anders Andrei Anika Arjun Astrid Aylin Bashir Beatriz
Bilal Bruno Camila Chen Chiara Chidi Daniel Dario Deepa Dmitri Elena Elif Emeka Emma
Esther Fatima Felix Femi Gabriel Hana Hassan Ines Ingrid Isaac Ivan Jamal Javier Jia
Jonas Julia Kai Karim Kavya Kenji Kofi Lars Laura Leila Lena Liam Lin Lucia Luis Maya
Mei Mehmet Mira Mohammed Nadia Naomi Nikhil Nina Noor Olga Omar Oscar Pablo Priya Rafael
Rania Ravi Rosa Sami Sara Sebastian Shira Sofia Soren Tariq Tomas Uma Valentina Vikram
Wei Yara Yusuf Zainab Zhen Zofia
""")

LAST_NAMES = words("""
Abara Achebe Andersen Bakker Banerjee Becker Bianchi Castillo Chatterjee Chen Costa Dahl
Demir Diallo Dubois Eriksen Fernandes Fischer Garcia Gupta Haddad Hansen Hoffmann Horvath
Ibrahim Ivanova Jansen Kamau Kapoor Kato Kim Kowalski Kruger Larsen Lee Lindqvist Lopez
Mahmoud Marino Mensah Mendes Meyer Mohan Moreau Murphy Nakamura Nguyen Novak Okafor
Olsen Ortiz Osei Park Patel Petrov Popescu Quinn Rahman Reyes Rossi Sato Schmidt Sharma
Silva Singh Sokolov Suzuki Tanaka Torres Tran Usman Vargas Virtanen Wagner Walsh Wang
Weber Xu Yamamoto Yilmaz Zhang Zhou
""")

ROLES = [
    "ML Engineer", "Senior ML Engineer", "Staff ML Engineer", "Principal Data Scientist",
    "Data Scientist", "Senior Data Scientist", "Head of Data", "Director of Machine Learning",
    "Applied Scientist", "Research Engineer", "ML Platform Lead", "Analytics Lead",
    "VP of Data", "Machine Learning Manager", "Founder", "Data Science Manager",
]  # fmt: skip

COMPANY_PARTS = (
    words(
        "Acme Birch Cobalt Delta Ember Fjord Granite Harbor Indigo Juniper Kestrel Lumen Meridian "
        "Nimbus Orbit Pioneer Quarry Riverstone Summit Tidal Umbra Vertex Willow Zephyr"
    ),
    words("Analytics Bank Health Labs Logistics Markets Mobility Retail Robotics Systems Travel"),
)

# Lessons: common topics first, so the Zipf-like draw below makes the first
# few very common and the long tail rare, as editors' tags are.
TOPICS = [
    "start simple", "baselines", "data quality", "monitoring", "stakeholder alignment",
    "evaluation metrics", "experimentation", "career path", "MLOps", "feature stores",
    "team structure", "measuring impact", "user empathy", "documentation", "labeling",
    "communication", "model serving", "data drift", "problem framing", "hiring",
    "technical debt", "reproducibility", "latency", "cost control", "privacy", "fairness",
    "interpretability", "active learning", "transfer learning", "recommendation systems",
    "forecasting", "search ranking", "fraud detection", "language models", "computer vision",
    "embeddings", "annotation guidelines", "data pipelines", "batch inference",
    "online learning", "causal inference", "code review", "testing models", "iteration speed",
    "user research", "product sense", "prototyping", "deployment", "rollbacks",
    "incident response", "on call", "mentoring", "writing", "reading papers",
    "ablation studies", "hyperparameter tuning", "class imbalance", "cold start",
    "offline evaluation", "dataset shift",
]  # fmt: skip
QUALIFIERS = [
    "in production", "at scale", "for startups", "in regulated industries", "for small teams",
    "on a budget", "with little data", "in healthcare", "in finance",
]  # fmt: skip

# Sentences are an opener, a claim and a reason, each drawn separately:
# 40 x 48 x 40 combinations read as plausible, varied practitioner prose.
OPENERS = [
    "In my experience", "Early in my career", "On my current team", "At my last company",
    "More often than not", "When we started", "Looking back", "In practice",
    "For most projects", "Before anything else", "After a few painful launches",
    "Over the years", "On a good week", "Every quarter", "When a new problem arrives",
    "With a new team", "At a startup", "At a large company", "During an incident",
    "In the first month", "When I review a design", "For the first version",
    "Once a model is live", "When priorities change", "If the data is messy",
    "With product managers", "With engineers", "With executives", "In hiring interviews",
    "When mentoring juniors", "On a platform team", "On a product team", "In a regulated market",
    "During planning", "In retrospectives", "When the metric moves", "When nothing works",
    "On most days", "For every launch", "When budgets are tight",
]  # fmt: skip
CLAIMS = [
    "we write a one page design doc before any code",
    "the simplest baseline usually survives longer than expected",
    "most of the work is understanding the data",
    "we agree on the business metric before choosing a model",
    "a heuristic ships first and the model replaces it later",
    "we look at raw examples every single week",
    "monitoring catches problems that offline evaluation never shows",
    "a shared feature store saved us months of duplicated pipelines",
    "the labeling guidelines matter more than the architecture",
    "we run small experiments instead of one big bet",
    "stakeholders care about decisions rather than accuracy",
    "reproducible training runs are the first thing I ask for",
    "the team owns the model from notebook to production",
    "we keep a log of every experiment and its outcome",
    "I spend more time writing than coding",
    "data drift shows up first in the input distributions",
    "the cheapest improvement is usually better training data",
    "we ship a shadow model before it makes real decisions",
    "a clear rollback plan makes launches calm",
    "offline metrics and online results often disagree",
    "user interviews change what we decide to build",
    "we measure latency and cost alongside quality",
    "embedded data scientists learn the domain faster",
    "a central platform team removes repeated toil",
    "we review models the way we review code",
    "class imbalance hides in the evaluation set",
    "the first model only needs to beat the current process",
    "good documentation lets new people contribute in days",
    "we set a time box for every research question",
    "the hardest part is agreeing on what success means",
    "simple features with good coverage beat clever ones",
    "we retrain on a schedule and alert on surprises",
    "error analysis tells us where to spend the next sprint",
    "a dashboard nobody reads is worse than no dashboard",
    "we pair juniors with seniors on every launch",
    "the product manager joins our weekly model review",
    "we test data pipelines as carefully as the model",
    "privacy reviews start on the first day of a project",
    "fairness checks are part of every evaluation report",
    "causal questions need experiments rather than correlations",
    "embedding models made search and recommendations easier",
    "language models are useful once the evaluation is solid",
    "cold start problems are solved with product design",
    "forecasts are judged by the decisions they improve",
    "fraud patterns change as soon as the model ships",
    "the ranking model is only as good as its labels",
    "batch inference covers more use cases than people think",
    "hiring for curiosity worked better than hiring for tools",
]  # fmt: skip
REASONS = [
    "because it forces everyone to agree on the goal",
    "since the data rarely looks like the documentation says",
    "and that habit has saved us more than once",
    "which keeps the feedback loop short",
    "so that surprises show up before customers notice",
    "because people trust what they can inspect",
    "and it makes the next project faster",
    "since a model nobody uses has no impact",
    "which is why we invest in tooling early",
    "because the cost of a mistake is high",
    "and the team learns the domain along the way",
    "so we can explain every decision to a regulator",
    "which turns arguments into experiments",
    "because complexity is a cost we pay forever",
    "and new hires pick it up within a week",
    "since the business changes faster than the model",
    "which keeps the on call rotation quiet",
    "so the next person understands why",
    "because the metric is what the business actually feels",
    "and it keeps us honest about what works",
    "which leaves time for the problems that matter",
    "because data quality issues compound over time",
    "and the results are easy to share",
    "since users notice latency before accuracy",
    "which helps when priorities change",
    "because a small win builds trust for a bigger one",
    "and it prevents the same incident twice",
    "since most failures are in the pipeline rather than the model",
    "which makes planning far less political",
    "because reviewers catch what authors miss",
    "and the cost stays predictable",
    "so the model degrades gracefully",
    "because a clear owner makes decisions faster",
    "which is easy to forget under deadline pressure",
    "and that matters more than any single metric",
    "since labels are expensive and slow",
    "which our customers appreciate",
    "because that is where the value is",
    "and we rarely regret it",
    "so nothing depends on one person",
]  # fmt: skip
# The long tail: tools and problems named now and then, each far rarer than
# the phrases above, so a search for one finds a realistic few answers.
TOOLS = words("""
Airflow Dagster Prefect Kubeflow MLflow Kubernetes Spark Flink Kafka Beam Ray Dask Pandas
Polars DuckDB Postgres BigQuery Snowflake Redshift Databricks Hive Presto Trino ClickHouse
Elasticsearch OpenSearch Solr Faiss Milvus Pinecone Weaviate Qdrant Redis Cassandra DynamoDB
MongoDB Feast Tecton Hopsworks GreatExpectations Evidently Arize Fiddler WhyLabs Prometheus
Grafana Datadog Sentry Jenkins GitHubActions Terraform Docker Helm Argo Seldon KServe
BentoML Triton TorchServe ONNX TensorRT TensorFlow PyTorch JAX Keras XGBoost LightGBM
CatBoost Prophet statsmodels Stan PyMC Optuna Hyperopt SHAP LIME spaCy NLTK Gensim HuggingFace
Transformers LangChain LlamaIndex vLLM OpenCV Detectron YOLO LabelStudio Prodigy Snorkel
Cleanlab Jupyter Streamlit Dash Tableau Looker Metabase Superset dbt Fivetran Airbyte Segment
Amplitude Mixpanel Optimizely Statsig Eppo GrowthBook SageMaker Vertex Azure Lambda Fargate
VowpalWabbit LibSVM Weka RapidMiner KNIME Alteryx Excel SQLite
""")
PROBLEMS = [
    "churn prediction", "demand forecasting", "credit scoring", "fraud screening",
    "ad targeting", "search relevance", "content moderation", "speech recognition",
    "route optimisation", "inventory planning", "claims triage", "price optimisation",
    "lead scoring", "document classification", "entity extraction", "image tagging",
    "anomaly detection", "capacity planning", "ticket routing", "query understanding",
    "product matching", "review summarisation", "sensor monitoring", "energy forecasting",
    "patient triage", "radiology screening", "crop yield estimation", "delivery time estimates",
    "warehouse robotics", "machine translation", "spam filtering", "credit limit setting",
    "loan approval", "insurance pricing", "retention offers", "notification timing",
    "feed ranking", "playlist generation", "talent matching", "legal discovery",
    "contract review", "chatbot answers", "code completion", "fault detection",
    "predictive maintenance", "traffic prediction", "ride matching", "menu recommendations",
    "store layout", "staff scheduling",
]  # fmt: skip
VERDICTS = [
    "the right call", "more trouble than it was worth", "good enough for years",
    "a sensible default", "hard to operate", "surprisingly cheap", "slower than we hoped",
    "what finally made it work",
]  # fmt: skip

LIST_ITEMS = [
    "a written problem statement", "a baseline to beat", "a metric the business owns",
    "a sample of labeled examples", "an offline evaluation set", "a rollback plan",
    "an owner for the model", "a monitoring dashboard", "a review with product",
    "a budget for compute", "a date to decide whether to continue", "a launch checklist",
]  # fmt: skip


# Resources answers link to: kinds of site, each a pattern of address and title.
RESOURCE_KINDS = [
    ("https://arxiv.org/abs/{year}.{number:05d}", "A study of {topic}"),
    ("https://github.com/{tool}/{tool}", "{Tool}"),
    ("https://{tool}.example.com/blog/{topic_slug}", "Notes on {topic}"),
    ("https://www.youtube.com/watch?v=scale{number:05d}", "A talk on {topic}"),
    ("https://www.oreilly.com/library/view/{topic_slug}/{number}/", "The {topic} handbook"),
]
RESOURCES = 400
RESOURCE_WEIGHTS = list(accumulate(1 / (k**1.1) for k in range(1, RESOURCES + 1)))
LINK_SHARE = 0.2  # of answers, each linking one resource
LINK_OPENERS = ["A good reference is", "I often point people to", "We learned a lot from"]
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def resource(k):
    """Resource number `k` (0-based): (address as linked, title)."""
    address, title = RESOURCE_KINDS[k % len(RESOURCE_KINDS)]
    topic = TOPICS[k % len(TOPICS)]
    tool = TOOLS[k % len(TOOLS)]
    values = {
        "year": 1500 + k % 900,
        "number": 10000 + k * 7,
        "topic": topic,
        "topic_slug": topic.replace(" ", "_"),
        "tool": tool.lower(),
        "Tool": tool,
    }
    # Now and then linked with a tracking parameter, as newsletters do.
    suffix = "?utm_source=newsletter" if k % 7 == 3 and "?" not in address else ""
    return address.format(**values) + suffix, title.format(**values)


def with_link(markdown, rng):
    """`markdown`, sometimes with a last paragraph linking a resource."""
    if rng.random() >= LINK_SHARE:
        return markdown
    k = rng.choices(range(RESOURCES), cum_weights=RESOURCE_WEIGHTS)[0]
    url, title = resource(k)
    return f"{markdown}\n\n{rng.choice(LINK_OPENERS)} [{title}]({url})."


def lesson_names(count=500):
    """`count` lesson names, the most common first."""
    names = list(TOPICS)
    for qualifier in QUALIFIERS:
        names.extend(f"{topic} {qualifier}" for topic in TOPICS)
    return names[:count]


def zipf_weights(count, exponent=1.07):
    """Cumulative weights for picking item k (1-based) with probability
    proportional to 1/k^s: a few lessons are very common, most are rare."""
    return list(accumulate(1 / (k**exponent) for k in range(1, count + 1)))


@dataclass(frozen=True)
class ScaleMentor:
    number: int
    name: str
    slug: str
    role: str
    company: str
    bio: str
    published_days_ago: float
    answers: list  # (body Markdown, [lesson indexes]) per question, in order


TOOL_WEIGHTS = list(accumulate(1 / (k**1.1) for k in range(1, len(TOOLS) + 1)))
PROBLEM_WEIGHTS = list(accumulate(1 / (k**1.1) for k in range(1, len(PROBLEMS) + 1)))


def sentence(rng):
    if rng.random() < 0.12:  # now and then, something specific
        tool = rng.choices(TOOLS, cum_weights=TOOL_WEIGHTS)[0]
        problem = rng.choices(PROBLEMS, cum_weights=PROBLEM_WEIGHTS)[0]
        if rng.random() < 0.5:
            return f"{rng.choice(OPENERS)}, we used {tool} for {problem}."
        return f"For {problem}, {tool} was {rng.choice(VERDICTS)}."
    return f"{rng.choice(OPENERS)}, {rng.choice(CLAIMS)} {rng.choice(REASONS)}."


def answer_markdown(rng):
    """One answer: mostly 80 to 300 words, some a sentence or two, a few 600 or more."""
    roll = rng.random()
    if roll < 0.12:
        words = rng.randint(12, 40)
    elif roll < 0.97:
        words = int(rng.triangular(80, 300, 150))
    else:
        words = rng.randint(600, 900)
    paragraphs, paragraph, written = [], [], 0
    while written < words:
        text = sentence(rng)
        paragraph.append(text)
        written += text.count(" ") + 1
        if len(paragraph) >= rng.randint(3, 6):
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    if words > 120 and rng.random() < 0.25:
        items = rng.sample(LIST_ITEMS, rng.randint(2, 5))
        paragraphs.insert(rng.randint(1, len(paragraphs)), "\n".join(f"- {item}" for item in items))
    return "\n\n".join(paragraphs)


def answer_html(markdown):
    """What render_markdown() makes of `answer_markdown()`'s output, built directly."""
    blocks = []
    for block in markdown.split("\n\n"):
        if block.startswith("- "):
            items = "".join(f"<li>{escape(line[2:])}</li>\n" for line in block.split("\n"))
            blocks.append(f"<ul>\n{items}</ul>")
        else:
            text = MARKDOWN_LINK.sub(r'<a href="\2" rel="nofollow noopener">\1</a>', escape(block))
            blocks.append(f"<p>{text}</p>")
    return "\n".join(blocks)


def answer_text(markdown):
    """What html_to_text(answer_html(...)) gives: the words, whitespace collapsed."""
    text = MARKDOWN_LINK.sub(r"\1", markdown)
    return " ".join(text.replace("\n- ", " ").removeprefix("- ").split())


def lesson_picks(rng, cum_weights):
    """0 to 3 distinct lessons (indexes), drawn by their cumulative weights."""
    wanted = rng.choices((0, 1, 2, 3), cum_weights=(20, 55, 85, 100))[0]
    picked = set()
    while len(picked) < wanted:
        picked.add(rng.choices(range(len(cum_weights)), cum_weights=cum_weights)[0])
    return sorted(picked)


def mentor(number, questions, lesson_weights, seed=0):
    """Scale mentor `number` (1-based) answering `questions` (how many)."""
    rng = random.Random(f"applyingml-scale-{seed}-{number}")
    # Links come from a generator of their own, so adding them left every
    # mentor's other content as it was.
    link_rng = random.Random(f"applyingml-scale-links-{seed}-{number}")
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    company = f"{rng.choice(COMPANY_PARTS[0])} {rng.choice(COMPANY_PARTS[1])}"
    role = rng.choice(ROLES)
    answers = [
        (with_link(answer_markdown(rng), link_rng), lesson_picks(rng, lesson_weights))
        for _ in range(questions)
    ]
    return ScaleMentor(
        number=number,
        name=f"{first} {last}",
        slug=f"scale-{number:05d}",
        role=role,
        company=company,
        bio=f"{first} works as {role} at {company}. {sentence(rng)}",
        published_days_ago=rng.uniform(0, 5 * 365),
        answers=answers,
    )

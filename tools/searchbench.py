"""`make bench-search`: how well search ranks, scored on the judged queries.

    python -m tools.searchbench [--judgements tools/search_judgements.toml]
                                [--output docs/performance.md] [--no-write]

1. Creates a throwaway database on the configured server (Django's own test
   database machinery, named `<database>_searchbench` unless --database-name
   says otherwise), migrates it and loads the demo content with `seed_demo`;
   it is dropped at the end. The development database and the scale data are
   never read, so the figures depend on the code and the demo files alone.
2. Runs each judged query (tools/search_judgements.toml) through the search
   results page's own ranking, `SearchView.matches` (the cleaned query and
   `search.ranked_matches` with the question and lesson filters), so what
   is scored is the order readers see.
3. Scores each query: nDCG@10 with linear gain (grade / log2(rank + 1)),
   against the ideal order of all its judged answers, found or not; and the
   reciprocal rank of the first of its best-graded answers among all the
   matches (0 when none is found). Then the means (MRR is the mean RR).
4. Prints the table and writes it into docs/performance.md, "Search ranking",
   between its markers. The same code and demo files give the same table:
   ties in ranking fall to publication order and ids, which the seeding
   fixes, and the table carries no date.
"""

import argparse
import contextlib
import io
import math
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import benchreport
from .servers import BASE_DIR, database_url

JUDGEMENTS = BASE_DIR / "tools" / "search_judgements.toml"
START = "<!-- search-ranking:start -->"
END = "<!-- search-ranking:end -->"
CUTOFF = 10
GRADES = (1, 2, 3)
KINDS = (
    "topical",
    "phrase",
    "question words",
    "lesson",
    "name typo",
    "accent",
    "rare word",
    "common word",
    "natural",
    "filtered",
)
WORST_SHOWN = 8


@dataclass(frozen=True)
class Judgement:
    """One judged answer (`answer`: "mentor slug/question slug") or every
    answer by one mentor (`mentor`: a mentor slug)."""

    grade: int
    why: str
    answer: str = ""
    mentor: str = ""


@dataclass(frozen=True)
class Query:
    q: str
    kind: str
    judgements: tuple
    question: str = ""
    lessons: tuple = ()

    @property
    def label(self):
        """The query as the table shows it, with its filters."""
        filters = [f"question={self.question}"] if self.question else []
        filters += [f"tag={slug}" for slug in self.lessons]
        return self.q + (f" ({', '.join(filters)})" if filters else "")


@dataclass(frozen=True)
class Result:
    query: Query
    found: int
    best_rank: int  # rank of the first best-graded answer, 0 when not found
    ndcg: float
    rr: float


def load(path=JUDGEMENTS):
    """The judged queries of `path`; ValueError naming the query when one is malformed."""
    with Path(path).open("rb") as fh:
        data = tomllib.load(fh)
    queries = [_query(entry) for entry in data.get("queries", [])]
    if not queries:
        raise ValueError(f"{path}: no [[queries]]")
    return queries


def _query(entry):
    name = repr(entry.get("q", "?"))
    unknown = set(entry) - {"q", "kind", "question", "lessons", "answers"}
    if unknown:
        raise ValueError(f"query {name}: unknown keys {sorted(unknown)}")
    if not isinstance(entry.get("q"), str) or not entry["q"].strip():
        raise ValueError(f"query {name}: `q` must be the text typed")
    if entry.get("kind") not in KINDS:
        raise ValueError(f"query {name}: `kind` must be one of {', '.join(KINDS)}")
    judgements = []
    for item in entry.get("answers", []):
        keys = set(item)
        if keys not in ({"answer", "grade", "why"}, {"mentor", "grade", "why"}):
            raise ValueError(f"query {name}: {item} needs answer or mentor, grade and why")
        if item["grade"] not in GRADES or not str(item["why"]).strip():
            raise ValueError(f"query {name}: {item} needs a grade of 1 to 3 and a why")
        if "answer" in item and item["answer"].count("/") != 1:
            raise ValueError(f"query {name}: answer {item['answer']!r} is not mentor/question")
        judgements.append(Judgement(**item))
    if not judgements:
        raise ValueError(f"query {name}: no judged answers")
    return Query(
        q=entry["q"],
        kind=entry["kind"],
        judgements=tuple(judgements),
        question=entry.get("question", ""),
        lessons=tuple(entry.get("lessons", ())),
    )


def grades(query, answers_by_mentor):
    """{"mentor/question": grade} for `query`: `mentor` entries cover every
    answer in `answers_by_mentor[slug]`; an `answer` entry wins over them."""
    found = {}
    for judgement in query.judgements:
        if judgement.mentor:
            found.update(
                dict.fromkeys(answers_by_mentor.get(judgement.mentor, ()), judgement.grade)
            )
    for judgement in query.judgements:
        if judgement.answer:
            found[judgement.answer] = judgement.grade
    return found


def dcg(gains):
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg(ranked_grades, judged_grades, k=CUTOFF):
    """nDCG@k of a ranking (each result's grade, in order) against the ideal
    order of every judged grade."""
    ideal = dcg(sorted(judged_grades, reverse=True)[:k])
    return dcg(ranked_grades[:k]) / ideal if ideal else 0.0


def reciprocal_rank(ranked_grades, best):
    """1 / the rank of the first result graded `best`; 0 when there is none."""
    for rank, grade in enumerate(ranked_grades, start=1):
        if grade == best:
            return 1 / rank
    return 0.0


def published_answer_keys():
    """{mentor slug: ["mentor/question", ...]} for every published answer."""
    from interviews.models import Answer

    by_mentor = {}
    rows = Answer.objects.published().values_list("interview__mentor__slug", "question__slug")
    for mentor, question in rows.order_by("interview__mentor__slug", "question__position"):
        by_mentor.setdefault(mentor, []).append(f"{mentor}/{question}")
    return by_mentor


def ranked_keys(query):
    """The answers the results page finds for `query`, best first, as "mentor/question"."""
    from django.test import RequestFactory

    from interviews.models import Answer
    from interviews.views.search import SearchView

    params = {"q": query.q, "tag": list(query.lessons)}
    if query.question:
        params["question"] = query.question
    view = SearchView()
    view.setup(RequestFactory().get("/search/", params))
    ids = [match.pk for match in view.matches]
    keys = {
        pk: f"{mentor}/{question}"
        for pk, mentor, question in Answer.objects.filter(pk__in=ids).values_list(
            "pk", "interview__mentor__slug", "question__slug"
        )
    }
    return [keys[pk] for pk in ids]


def evaluate(queries):
    """A Result for each query, on the database Django is connected to."""
    by_mentor = published_answer_keys()
    results = []
    for query in queries:
        judged = grades(query, by_mentor)
        ranked = [judged.get(key, 0) for key in ranked_keys(query)]
        best = max(judged.values())
        rr = reciprocal_rank(ranked, best)
        results.append(
            Result(
                query=query,
                found=len(ranked),
                best_rank=round(1 / rr) if rr else 0,
                ndcg=ndcg(ranked, list(judged.values())),
                rr=rr,
            )
        )
    return results


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def render(results, facts):
    """The Markdown report: per query, per kind, the means and the worst queries."""
    lines = [
        f"Demo content ({facts['data']}), {len(results)} judged queries from "
        f"`tools/search_judgements.toml`; {facts['database']}.",
        "",
        f"**Mean nDCG@{CUTOFF}: {mean(r.ndcg for r in results):.3f}. "
        f"MRR: {mean(r.rr for r in results):.3f}.**",
        "",
        "| kind | queries | nDCG@10 | MRR |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind in KINDS:
        group = [r for r in results if r.query.kind == kind]
        if group:
            lines.append(
                f"| {kind} | {len(group)} | {mean(r.ndcg for r in group):.3f} "
                f"| {mean(r.rr for r in group):.3f} |"
            )
    worst = sorted(results, key=lambda r: (r.ndcg, r.rr))[:WORST_SHOWN]
    lines += [
        "",
        "Worst: " + "; ".join(f"{_code(r.query.label)} {r.ndcg:.3f}" for r in worst) + ".",
        "",
        "| query | kind | found | best at | nDCG@10 | RR |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {_code(r.query.label)} | {r.query.kind} | {r.found} "
            f"| {r.best_rank or 'none'} | {r.ndcg:.3f} | {r.rr:.3f} |"
        )
    return "\n".join(lines)


def _code(text):
    # Queries hold quotes and may hold a pipe; Markdown code spans keep them.
    return "`" + text.replace("|", "\\|") + "`"


def write(path, report):
    benchreport.write(path, report, start=START, end=END, heading="Search ranking")


def django_setup():
    os.environ["DATABASE_URL"] = database_url()
    # Everything runs on the throwaway database: no replica to read from, and
    # a private cache, so seeding invalidates no shared page cache.
    os.environ.pop("DATABASE_REPLICA_URL", None)
    os.environ["CACHE_URL"] = "locmem://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
    import django

    django.setup()


@contextlib.contextmanager
def demo_database(name=None):
    """A fresh, migrated database holding only the demo content, dropped afterwards."""
    from django.core.management import call_command
    from django.db import connection

    settings_dict = connection.settings_dict
    settings_dict["TEST"] = {
        **settings_dict.get("TEST", {}),
        "NAME": name or f"{settings_dict['NAME']}_searchbench",
    }
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("seed_demo", stdout=io.StringIO())
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def facts():
    from django.db import connection

    from interviews.models import Answer, Interview

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return {
        "data": f"{Interview.objects.published().count()} mentors, "
        f"{Answer.objects.published().count()} answers",
        "database": f"PostgreSQL {version}",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.searchbench")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS, help="the judged queries")
    parser.add_argument(
        "--output", type=Path, default=BASE_DIR / "docs" / "performance.md", help="report file"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--database-name", help="the throwaway database (default: <database>_searchbench)"
    )
    args = parser.parse_args(argv)

    queries = load(args.judgements)
    django_setup()
    with demo_database(args.database_name):
        report = render(evaluate(queries), facts())
    print(report)
    if not args.no_write:
        write(args.output, report)
        print(f"\nWritten to {args.output}.")


if __name__ == "__main__":
    sys.exit(main())

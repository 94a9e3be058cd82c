"""A question's "state of practice": the figures its page shows above the answers.

How many mentors answered (the question's stored count), the lessons most
often tagged on it with their share of its answers (LessonUse, stored), the
resources its answers cite most (QuestionResource, stored) and its answers
by year of publication (`Question.answers_by_year`, stored: an aggregate over
10,000 answers cost 3.5 ms of every uncached question page). The chart
is drawn by the template from the geometry computed here; no JavaScript.
"""

from dataclasses import dataclass

from .cited import question_resources

LESSONS_SHOWN = 5

# The chart's drawing area, in SVG user units (it scales to its box).
CHART_WIDTH = 320
CHART_HEIGHT = 120
LABEL_HEIGHT = 18  # room under the bars for the years
VALUE_HEIGHT = 16  # room above the tallest bar for its count


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self):
        return self.x + self.width / 2

    @property
    def value_y(self):
        """Where the bar's count is written, just above it."""
        return self.y - 4


def year_bars(counts):
    """Bars for {year: answers}, every year from the first to the last (0 too)."""
    if not counts:
        return []
    years = list(range(min(counts), max(counts) + 1))
    highest = max(counts.values())
    slot = CHART_WIDTH / len(years)
    width = slot * 0.7
    room = CHART_HEIGHT - LABEL_HEIGHT - VALUE_HEIGHT
    bars = []
    for n, year in enumerate(years):
        count = counts.get(year, 0)
        height = round(room * count / highest, 1)
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(n * slot + (slot - width) / 2, 1),
                y=round(CHART_HEIGHT - LABEL_HEIGHT - height, 1),
                width=round(width, 1),
                height=height,
            )
        )
    return bars


def answers_by_year(question):
    """{year: published answers to `question`}, from its stored counts (no query)."""
    return {int(year): n for year, n in question.answers_by_year.items()}


def state_of_practice(question, lessons):
    """The figures for `question`'s page; `lessons` are its lessons, most used
    first, with `answer_count` (the page's own list). 1 query."""
    answered = question.published_answer_count
    shares = [
        (lesson, round(100 * lesson.answer_count / answered)) for lesson in lessons[:LESSONS_SHOWN]
    ]
    bars = year_bars(answers_by_year(question)) if answered else []
    return {
        "mentors": answered,
        "lessons": shares if answered else [],
        "resources": question_resources(question) if answered else [],
        "bars": bars,
        "chart": {
            "width": CHART_WIDTH,
            "height": CHART_HEIGHT,
            "baseline": CHART_HEIGHT - LABEL_HEIGHT,
            "label_y": CHART_HEIGHT - 4,
        },
    }

"""What an import did, file by file and answer by answer, for the command and the admin."""

from dataclasses import dataclass, field

from .matching import normalise

SIGNS = {"+": "created", "~": "updated", "=": "unchanged", "-": "deleted"}
# Every outcome a file can have, in the order the summary lists them.
OUTCOMES = ("created", "updated", "unchanged", "skipped", "held", "failed")


@dataclass
class Change:
    """One line of a file's report, diff-like: + created, ~ updated, = unchanged, - deleted."""

    sign: str
    text: str

    @property
    def action(self):
        return SIGNS[self.sign]

    def __str__(self):
        return f"{self.sign} {self.text}"


@dataclass
class Undecided:
    """A question no standard question matched and no one has decided about yet."""

    text: str  # as the file words it
    line: int
    nearest: list  # [(Question, score)], best first

    def nearest_text(self):
        return "; ".join(
            f"{question.position}. {question.title} ({question.slug}, {score:.2f})"
            for question, score in self.nearest
        )


@dataclass
class FileReport:
    name: str
    outcome: str = ""  # one of OUTCOMES
    summary: str = ""  # whose interview, and its status
    error: str = ""  # why it failed or was skipped
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)

    @property
    def failed(self):
        return self.outcome == "failed"

    @property
    def skipped(self):
        return self.outcome == "skipped"

    @property
    def held(self):
        return self.outcome == "held"

    @property
    def changed(self):
        return any(change.sign != "=" for change in self.changes)

    def add(self, sign, text):
        self.changes.append(Change(sign, text))

    def fail(self, error):
        self.outcome, self.error = "failed", error
        self.changes, self.notes, self.undecided = [], [], []

    def skip(self, reason):
        self.outcome, self.error = "skipped", reason
        self.changes, self.notes, self.undecided = [], [], []

    def hold(self, summary, undecided):
        """Nothing saved: these questions wait for the editor's decision."""
        self.outcome, self.summary, self.undecided = "held", summary, undecided
        self.changes = []

    def lines(self):
        if self.failed:
            return [f"{self.name}: {self.error}"]
        if self.skipped:
            return [f"{self.name}: skipped: {self.error}"]
        if self.held:
            count = len(self.undecided)
            return [
                f"{self.name}: held, nothing saved: {self.summary}; "
                f"{count} question{' matches' if count == 1 else 's match'} no standard question",
                *(
                    line
                    for item in self.undecided
                    for line in (
                        f"    ? line {item.line}: {item.text}",
                        f"      nearest: {item.nearest_text() or 'none'}",
                    )
                ),
                *(f"    note: {note}" for note in self.notes),
            ]
        return [
            f"{self.name}: {self.outcome}: {self.summary}",
            *(f"    {change}" for change in self.changes),
            *(f"    note: {note}" for note in self.notes),
        ]


@dataclass
class ImportReport:
    dry_run: bool = False
    files: list[FileReport] = field(default_factory=list)

    @property
    def failed(self):
        return [report for report in self.files if report.failed]

    @property
    def held(self):
        return [report for report in self.files if report.held]

    def undecided(self):
        """{wording: [(file name, Undecided)]}: each wording once, however many files ask it."""
        wordings = {}
        for report in self.held:
            for item in report.undecided:
                wordings.setdefault(normalise(item.text), []).append((report.name, item))
        return wordings

    def counts(self):
        counts = dict.fromkeys(OUTCOMES, 0)
        for report in self.files:
            counts[report.outcome] += 1
        return counts

    def summary(self):
        files = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        return f"{files}: " + ", ".join(f"{n} {outcome}" for outcome, n in self.counts().items())

"""What an import did, file by file and answer by answer, for the command and the admin."""

from dataclasses import dataclass, field

SIGNS = {"+": "created", "~": "updated", "=": "unchanged", "-": "deleted"}


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
class FileReport:
    name: str
    outcome: str = ""  # "created", "updated", "unchanged" or "failed"
    summary: str = ""  # whose interview, and its status
    error: str = ""
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self):
        return self.outcome == "failed"

    @property
    def changed(self):
        return any(change.sign != "=" for change in self.changes)

    def add(self, sign, text):
        self.changes.append(Change(sign, text))

    def fail(self, error):
        self.outcome, self.error = "failed", error
        self.changes, self.notes = [], []

    def lines(self):
        if self.failed:
            return [f"{self.name}: {self.error}"]
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

    def summary(self):
        counts = dict.fromkeys(("created", "updated", "unchanged", "failed"), 0)
        for report in self.files:
            counts[report.outcome] += 1
        files = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        return f"{files}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items())

"""The conversion report: every node and field of a NIR import or export, and how faithfully it crossed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import CircuitError

__all__ = ["ConversionReport", "ReportEntry", "UnsupportedNirError", "STATUSES"]

#: faithful: the same dynamics; approximate: a stated, measured difference; unsupported: cannot cross.
STATUSES = ("faithful", "approximate", "unsupported")


class UnsupportedNirError(CircuitError):
    """A NIR node or field (or a circuit feature) has no counterpart on the other side; the message names it."""


@dataclass(frozen=True)
class ReportEntry:
    """One node (or population, projection) and field: its status and what happened to it."""

    node: str
    field: str
    status: str
    detail: str


@dataclass
class ConversionReport:
    """What crossed between a neurocompare circuit and a NIR graph, node by node and field by field.

    ``str(report)`` is a plain-text table, :meth:`to_markdown` a Markdown one. An unsupported entry
    raises :class:`UnsupportedNirError` as it is added (a conversion never drops anything silently).
    """

    direction: str  # "import" or "export"
    convention: str
    entries: list[ReportEntry] = field(default_factory=list)

    def add(self, node: str, field_: str, status: str, detail: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"ConversionReport: status must be one of {STATUSES}; got {status!r}.")
        self.entries.append(ReportEntry(node, field_, status, detail))
        if status == "unsupported":
            raise UnsupportedNirError(f"NIR {self.direction}: {node}: {field_}: {detail}")

    def faithful(self, node: str, field_: str, detail: str) -> None:
        self.add(node, field_, "faithful", detail)

    def approximate(self, node: str, field_: str, detail: str) -> None:
        self.add(node, field_, "approximate", detail)

    def unsupported(self, node: str, field_: str, detail: str) -> None:
        self.add(node, field_, "unsupported", detail)

    def by_status(self, status: str) -> list[ReportEntry]:
        return [e for e in self.entries if e.status == status]

    @property
    def is_faithful(self) -> bool:
        """True if every entry is faithful."""
        return all(e.status == "faithful" for e in self.entries)

    def summary(self) -> str:
        n = {s: len(self.by_status(s)) for s in STATUSES[:2]}
        return (f"NIR {self.direction} ({self.convention} convention): {len(self.entries)} fields, "
                f"{n['faithful']} faithful, {n['approximate']} approximate")

    def rows(self) -> list[tuple[str, str, str, str]]:
        return [(e.node, e.field, e.status, e.detail) for e in self.entries]

    def to_markdown(self) -> str:
        lines = [f"**{self.summary()}**", "", "| node | field | status | detail |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d.replace('|', chr(92) + '|')} |" for a, b, c, d in self.rows()]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        rows = [("node", "field", "status", "detail"), *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        body = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
        return "\n".join([self.summary(), *body])

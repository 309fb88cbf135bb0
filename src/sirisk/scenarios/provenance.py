"""Where each number of a built-in scenario comes from.

Every number is *cited* (a public source), *assumed* (no public source: a
central value and a range), or *designed* (a contract term chosen inside
sirisk, with the targets it was derived for and how to derive it again).
Assumptions on parameters the engine can vary per draw (hazard scales,
effect sizes and durations, cohort sizes, money scale factors) become
uncertain parameters over their range, so the uncertainty layer carries
them; the others (months, floors, the hurdle, a lag) are printed with their
range, to vary by hand. Design terms are never uncertain inputs: they are
what a contract fixes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..uncertainty import PERT, Distribution

__all__ = ["Provenance", "Cited", "Assumed", "Designed"]


@dataclass(frozen=True)
class Cited:
    key: str
    value: float
    source: str


@dataclass(frozen=True)
class Assumed:
    key: str
    value: float
    low: float
    high: float
    why: str
    parameter: str | None = None      # "programme/path" if the uncertainty layer varies it
    distribution: Distribution | None = None


@dataclass(frozen=True)
class Designed:
    key: str
    value: float
    how: str                          # the targets it meets and how to derive it again


_KINDS = {"cited": Cited, "assumed": Assumed, "designed": Designed}


@dataclass
class Provenance:
    """A registry filled while a scenario is built.

    Examples
    --------
    >>> p = Provenance()
    >>> p.cite("x", 4_460, "danskerhverv.dk, rates for 2021")
    4460
    >>> p.assume("y", 0.08, 0.05, 0.12, "no public hazard found", parameter="a/hazards.s->e.scale")
    0.08
    >>> list(p.uncertain())
    ['a/hazards.s->e.scale']
    """

    entries: list = field(default_factory=list)

    def cite(self, key: str, value, source: str):
        self.entries.append(Cited(key, value, source))
        return value

    def assume(self, key: str, value, low, high, why: str, parameter: str | None = None,
               distribution: Distribution | None = None, relative: bool = False):
        """Register an assumption; with ``parameter`` the uncertainty layer varies it.

        ``relative=True``: the parameter is a multiplier on ``value`` (a
        hazard scale), so its distribution runs from ``low / value`` to
        ``high / value`` with mode 1.
        """
        if not low <= value <= high:
            raise ValueError(f"assumption {key!r}: value {value} outside its range [{low}, {high}]")
        if parameter is not None and distribution is None:
            distribution = PERT(low / value, 1.0, high / value) if relative else PERT(low, value, high)
        self.entries.append(Assumed(key, value, low, high, why, parameter, distribution))
        return value

    def design(self, key: str, value, how: str):
        """Register a design term: chosen, not uncertain; ``how`` says what for and how to derive it again."""
        self.entries.append(Designed(key, value, how))
        return value

    def uncertain(self) -> dict[str, Distribution]:
        """The distributions of the assumed parameters the engine can vary."""
        return {e.parameter: e.distribution for e in self.entries if isinstance(e, Assumed) and e.parameter}

    def labels(self) -> dict[str, str]:
        """A human label for each uncertain parameter: its key without the programme."""
        return {e.parameter: e.key.split(": ", 1)[-1] for e in self.entries if isinstance(e, Assumed) and e.parameter}

    def describe(self) -> str:
        """A table of every number: value, and its source, its range and reason, or its design."""
        lines = []
        for e in self.entries:
            if isinstance(e, Cited):
                lines.append(f"  {e.key:<58} {e.value!s:>12}   source: {e.source}")
            elif isinstance(e, Designed):
                lines.append(f"  {e.key:<58} {e.value!s:>12}   DESIGN: {e.how}")
            else:
                varied = f"; varied as {e.parameter}" if e.parameter else ""
                lines.append(f"  {e.key:<58} {e.value!s:>12}   ASSUMPTION in [{e.low}, {e.high}]: {e.why}{varied}")
        return "\n".join(lines)

    def to_plain(self) -> list[dict]:
        """The registry as plain data, for a scenario file's ``[[provenance]]`` tables."""
        out = []
        for e in self.entries:
            kind = next(k for k, cls in _KINDS.items() if isinstance(e, cls))
            row = {"kind": kind, "key": e.key, "value": e.value}
            if isinstance(e, Cited):
                row["source"] = e.source
            elif isinstance(e, Designed):
                row["how"] = e.how
            else:
                row.update(low=e.low, high=e.high, why=e.why)
                if e.parameter:
                    row["parameter"] = e.parameter
            out.append(row)
        return out

    @classmethod
    def from_plain(cls, rows, where: str = "provenance") -> "Provenance":
        """The registry back from :meth:`to_plain`'s rows (a scenario file), each row checked."""
        from ..errors import SpecError

        p = cls()
        if not isinstance(rows, list):
            raise SpecError(f"{where}: must be a list of tables ([[provenance]])")
        fields = {"cited": ("key", "value", "source"), "designed": ("key", "value", "how"),
                  "assumed": ("key", "value", "low", "high", "why")}
        for i, row in enumerate(rows):
            w = f"{where}[{i}]"
            if not isinstance(row, dict) or row.get("kind") not in fields:
                raise SpecError(f"{w}: kind is {row.get('kind') if isinstance(row, dict) else row!r}; must be one "
                                "of cited, assumed, designed")
            extra = set(row) - set(fields[row["kind"]]) - {"kind", "parameter"}
            missing = [f for f in fields[row["kind"]] if f not in row]
            if extra or missing:
                raise SpecError(f"{w}: {'unknown key ' + repr(sorted(extra)[0]) if extra else 'missing key ' + repr(missing[0])}"
                                f"; a {row['kind']} entry has {', '.join(fields[row['kind']])}")
            for name in ("key", "source", "how", "why", "parameter"):
                if name in row and not (isinstance(row[name], str) and row[name].strip()):
                    raise SpecError(f"{w}.{name}: is {row[name]!r}; must be non-empty text")
            numbers = ("value", "low", "high") if row["kind"] == "assumed" else ()
            for name in numbers:
                if isinstance(row[name], bool) or not isinstance(row[name], (int, float)):
                    raise SpecError(f"{w}.{name}: is {row[name]!r}; an assumption's value and range must be numbers")
            if isinstance(row["value"], list):  # TOML has arrays, the registry tuples
                row = {**row, "value": tuple(row["value"])}
            if row["kind"] == "cited":
                p.entries.append(Cited(row["key"], row["value"], row["source"]))
            elif row["kind"] == "designed":
                p.entries.append(Designed(row["key"], row["value"], row["how"]))
            else:
                if not row["low"] <= row["value"] <= row["high"]:
                    raise SpecError(f"{w}: value is {row['value']!r}; must lie in its range [{row['low']}, {row['high']}]")
                p.entries.append(Assumed(row["key"], row["value"], row["low"], row["high"], row["why"],
                                         row.get("parameter")))
        return p

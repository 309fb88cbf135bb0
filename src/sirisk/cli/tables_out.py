"""The run's tables as files for readers who live in spreadsheets: CSV, and Excel through the optional extra.

Three tables: the board's summary (``summary``: programme, statistic, estimate, its Monte Carlo error and
the point mass of a quantile), the per-draw metrics (``per_draw``: one row per draw and programme, one
column per per-draw results variable), and the municipality's net budget effect per contract year
(``budget_by_year``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SpecError

__all__ = ["FORMATS", "parse_formats", "frames", "write_tables"]

FORMATS = ("csv", "xlsx")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``"csv,xlsx"`` -> ("csv", "xlsx"); refused by name if unknown, or Excel without its library."""
    if text is None:
        return ()
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    if not formats:
        raise SpecError(f"--format is {text!r}; give csv, xlsx or both (csv,xlsx)")
    for f in formats:
        if f not in FORMATS:
            raise SpecError(f"--format is {text!r}; {f!r} is not one of {', '.join(FORMATS)}")
    if "xlsx" in formats:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise SpecError("--format xlsx needs the Excel extra: pip install 'sirisk[excel]'") from None
    return formats


def frames(results, summary, yearly) -> dict:
    """The three tables as pandas DataFrames."""
    from ..analysis.schema import PER_DRAW

    table = summary.to_dataframe().reset_index()
    per_draw = results[[v for v in PER_DRAW if v in results]].to_dataframe().reset_index()
    years = yearly.to_dataframe().reset_index()
    return {"summary": table, "per_draw": per_draw, "budget_by_year": years}


def write_tables(folder: Path, formats, results, summary, yearly, outputs) -> list[Path]:
    """Write the tables in each format (files whole or not at all); return the files written."""
    written = []
    tables = frames(results, summary, yearly)
    if "csv" in formats:
        for name, frame in tables.items():
            path = folder / f"{name}.csv"
            outputs.write(path, lambda p, frame=frame: frame.to_csv(p, index=False))
            written.append(path)
    if "xlsx" in formats:
        path = folder / "results.xlsx"

        def excel(p):
            import pandas as pd

            with pd.ExcelWriter(p, engine="openpyxl") as writer:
                for name, frame in tables.items():
                    frame.to_excel(writer, sheet_name=name, index=False)

        outputs.write(path, excel)
        written.append(path)
    return written

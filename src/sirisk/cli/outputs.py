"""Where the command line writes: checked and created before anything runs, written whole, reported on Ctrl-C.

Every output path is checked before the simulation starts: a folder is
created (or must be a folder), a file's folder must exist, and both must be
writable (a probe file is created and removed). Files are written through
:func:`sirisk._files.write_atomically`; :class:`Outputs` remembers what a
command wrote and what stood there before, so that an interrupted command
can say in one line what it leaves behind.
"""

from __future__ import annotations

from pathlib import Path

from .._files import check_writable, file_for_writing, remove_stale_temporaries, write_atomically
from ..errors import SpecError

__all__ = ["Outputs", "folder_for_writing", "file_for_writing"]


def folder_for_writing(text: str, option: str = "--out") -> Path:
    """A folder to write results in: refused if empty, a file or not writable; created if missing."""
    if not isinstance(text, str) or not text.strip():
        raise SpecError(f"{option} is {text!r}; give a folder to write the results in, e.g. {option} results")
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise SpecError(f"{option} is {text!r}; must be a folder (it is a file)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SpecError(f"{option} is {text!r}; cannot create the folder: {err.strerror}") from None
    check_writable(folder, option, text)
    remove_stale_temporaries(folder)
    return folder


class Outputs:
    """What a command has written, and which of its targets stood there before."""

    def __init__(self):
        self.before: list[Path] = []
        self.written: list[Path] = []

    def expect(self, *paths: Path) -> None:
        """Targets this command may write: those that exist now are 'from before'."""
        self.before += [p for p in paths if p.exists() and p not in self.before]

    def write(self, path: Path, write) -> None:
        write_atomically(path, write)
        self.written.append(path)

    def interrupted(self) -> str:
        """One line: what was written, and what from before is kept."""
        kept = [p for p in self.before if p not in self.written]
        done = f"wrote {', '.join(p.name for p in self.written)}" if self.written else "nothing written"
        return f"interrupted; {done}" + (f"; {', '.join(p.name for p in kept)} from before kept" if kept else "")

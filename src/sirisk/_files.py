"""Files written whole or not at all, and the temporaries of runs that were killed, cleaned up.

Every file sirisk writes goes to a hidden temporary beside its target,
``.NAME.tmp-PID``, and is renamed over the target only when complete, so
that an interrupted or killed write never leaves a partial file under the
target's name, and a file from before stays whole until the new one
replaces it. A kill (SIGKILL) cannot run any clean-up, so its temporary
stays behind; the next write into that folder removes the temporaries
whose process is gone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomically", "temporary_for", "remove_stale_temporaries", "file_for_writing", "check_writable"]

_TEMPORARY = re.compile(r"^\..+\.tmp-(\d+)$")


def temporary_for(path: Path) -> Path:
    """The hidden temporary a write of ``path`` by this process goes to."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_atomically(path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary)``, then rename the temporary over ``path``; on any failure remove it."""
    path = Path(path)
    tmp = temporary_for(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def check_writable(folder: Path, field: str, shown: str) -> None:
    """Refuse a folder nothing can be written in (a probe file is created and removed)."""
    from .errors import SpecError

    probe = Path(folder) / f".sirisk-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise SpecError(f"{field} is {shown!r}; cannot write in {str(folder)!r}: {err.strerror}") from None


def file_for_writing(text, field: str) -> Path:
    """A file to write: refused if empty, a folder, in a missing folder, or where nothing can be written.

    The stale temporaries of killed writes in its folder are removed.
    """
    from .errors import SpecError

    text = os.fspath(text) if text is not None else ""
    if not str(text).strip():
        raise SpecError(f"{field} is {text!r}; give a file name")
    path = Path(text)
    if path.is_dir() or str(text).endswith(os.sep):
        raise SpecError(f"{field} is {str(text)!r}; must be a file name (it is a folder)")
    folder = path.parent
    if not folder.exists():
        raise SpecError(f"{field} is {str(text)!r}; its folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise SpecError(f"{field} is {str(text)!r}; {str(folder)!r} is not a folder")
    check_writable(folder, field, str(text))
    remove_stale_temporaries(folder)
    return path


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale_temporaries(folder) -> list[Path]:
    """Remove the temporaries in ``folder`` left by processes that no longer run; return what was removed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     stale = Path(d) / ".results.nc.tmp-999999999"   # no such process
    ...     _ = stale.write_text("half a file")
    ...     [p.name for p in remove_stale_temporaries(d)]
    ['.results.nc.tmp-999999999']
    """
    folder = Path(folder)
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _TEMPORARY.match(entry.name)
        if m and not _alive(int(m.group(1))):
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed

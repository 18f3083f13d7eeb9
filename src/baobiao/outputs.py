"""Where baobiao writes: the one guard every output path of every command passes, and the
atomic write.

A command names its inputs (the spec and the specs it extends, data files and the files found in
data folders, last year's data, template folders) in an :class:`Inputs`. :func:`refusal` then
refuses an output path, before any work is done, when

- it is one of those inputs: the same path once symbolic links are followed, the same file under
  another name (a hard link: ``os.path.samefile``), or an existing file inside a template folder
  (F006, naming the input);
- it exists and is not what is wanted: a device (``/dev/null``, a terminal, ``/dev/stdout`` and
  its kin, which are links to one), a named pipe, a socket, a folder where a file is wanted or a
  file where a folder is wanted (F007);
- a file's folder does not exist, is not a folder or cannot be written in (F006). Only
  ``render --out`` creates its folder.

:func:`write_output` and :func:`atomic_text` write a file so that it is either complete or
untouched: a temporary file in the target's own folder, flushed to disk (fsync), renamed over the
target (``os.replace``). An output that is a symbolic link to a regular file is written through
(the link stays). Any failure of the operating system (a read-only folder, a full disk) raises
:class:`OutputFailed`, whose F006 diagnostic names the path and the reason, in both languages.

Between the check and the rename another process could still swap the path; the guard is there
for the mistakes people make on a command line, not against a hostile local user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from baobiao.diagnostics.core import Diagnostic, diag

__all__ = [
    "Inputs",
    "OutputFailed",
    "OutputStream",
    "atomic_text",
    "destination",
    "failure",
    "refusal",
    "write_atomically",
    "write_output",
]


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a command reads: ``files`` (missing ones are ignored), and ``folders`` every existing
    file of which is an input (template folders: a template may include any file in them)."""

    files: tuple[Path, ...] = ()
    folders: tuple[Path, ...] = ()

    @staticmethod
    def of(files: Iterable[Path | None] = (), folders: Iterable[Path | None] = ()) -> Inputs:
        return Inputs(tuple(p for p in files if p is not None), tuple(p for p in folders if p is not None))


class OutputFailed(Exception):
    """Writing an output failed; ``diagnostic`` (F006) says which path and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.code)
        self.diagnostic = diagnostic


# errno -> (zh, en); other failures are named by the operating system's own words
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("所在目录不存在", "its folder does not exist"),
    errno.ENOTDIR: ("路径中有一段不是目录", "a part of the path is not a folder"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "operation not permitted"),
    errno.EROFS: ("文件系统是只读的", "read-only file system"),
    errno.ENOSPC: ("磁盘已满", "no space left on the device"),
    errno.EISDIR: ("它是一个目录", "it is a folder"),
    errno.ENAMETOOLONG: ("文件名太长", "file name too long"),
    errno.ELOOP: ("符号链接循环", "too many levels of symbolic links"),
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = ("超出磁盘配额", "disk quota exceeded")


def failure(path: Path, exc: OSError | RuntimeError) -> Diagnostic:
    """F006 for an output the operating system refused to write (``RuntimeError``: a loop of
    symbolic links, as ``Path.resolve`` reports it)."""
    if isinstance(exc, RuntimeError):
        zh, en = _REASONS[errno.ELOOP]
    else:
        own = exc.strerror or type(exc).__name__
        zh, en = _REASONS.get(exc.errno or 0, (own, own))
    return diag("F006", None, path=str(path), reason=zh, reason_en=en)


def _kind(mode: int) -> tuple[str, str]:
    if stat.S_ISDIR(mode):
        return "目录", "a folder"
    if stat.S_ISREG(mode):
        return "普通文件", "a regular file"
    if stat.S_ISCHR(mode):
        return "字符设备（如 /dev/null、终端）", "a character device (such as /dev/null or a terminal)"
    if stat.S_ISBLK(mode):
        return "块设备", "a block device"
    if stat.S_ISFIFO(mode):
        return "管道（FIFO）", "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    return "特殊文件", "a special file"


def _input_hit(resolved: Path, found: os.stat_result | None, inputs: Inputs) -> Path | None:
    """The input a target (``resolved``, ``found`` by os.stat when it exists) would overwrite, if any."""
    for path in inputs.files:
        try:
            if path.resolve() == resolved:
                return path
            if found is not None and os.path.samestat(found, os.stat(path)):
                return path
        except (OSError, RuntimeError):  # an input that is not there cannot be overwritten
            continue
    if found is not None and not stat.S_ISDIR(found.st_mode):
        for folder in inputs.folders:
            try:
                if resolved.is_relative_to(folder.resolve()):
                    return resolved
            except (OSError, RuntimeError):
                continue
    return None


#: where the links to a process's open files live (/dev/stdout, /dev/fd/1, /proc/self/fd/1)
_DESCRIPTOR_LINKS = (Path("/dev"), Path("/proc"))


def _through_descriptor(path: Path) -> bool:
    """Whether ``path`` is, or leads through symbolic links to, a link such as /dev/stdout: an
    open file of a process (a terminal, a pipe, or whatever a shell redirected), not a file."""
    current = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's own limit on a chain of links
        if not current.is_symlink():
            return False
        if any(current.is_relative_to(root) for root in _DESCRIPTOR_LINKS):
            return True
        current = Path(os.path.abspath(current.parent / os.readlink(current)))
    return False


def _folder_problem(target: Path, folder: Path, *, created: bool) -> Diagnostic | None:
    """Why files cannot be written in ``folder``; with ``created``, the folder will be made, so
    its nearest existing ancestor is what must be a writable folder."""
    if created:
        while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
            folder = folder.parent
    if not folder.exists():
        return diag(
            "F006", None, path=str(target), reason=f"目录 {folder} 不存在", reason_en=f"{folder} does not exist"
        )
    if not folder.is_dir():
        return diag("F006", None, path=str(target), reason=f"{folder} 不是目录", reason_en=f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        zh, en = f"没有在目录 {folder} 中写入的权限", f"no permission to write in {folder}"
        return diag("F006", None, path=str(target), reason=zh, reason_en=en)
    return None


def refusal(target: Path, inputs: Inputs, *, folder: bool = False) -> Diagnostic | None:
    """Why ``target`` (a file, or with ``folder`` a folder outputs go into, created when missing)
    must not be written, or None. Nothing is created or changed."""
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError) as exc:
        return failure(target, exc)
    try:
        found: os.stat_result | None = os.stat(target)  # follows links: /dev/stdout is what it points at
    except OSError:
        found = None
    hit = _input_hit(resolved, found, inputs)
    if hit is not None:
        return diag(
            "F006",
            None,
            path=str(target),
            reason=f"它是本命令读取的文件 {hit}，输入文件从不被覆盖",
            reason_en=f"it is {hit}, which this command reads; an input file is never overwritten",
        )
    wanted = ("目录", "a folder") if folder else ("普通文件", "a regular file")
    kind: tuple[str, str] | None = None
    if _through_descriptor(target):
        kind = ("进程的输入输出（如 /dev/stdout）", "a process's open file (such as /dev/stdout)")
    elif found is not None and not (stat.S_ISDIR(found.st_mode) if folder else stat.S_ISREG(found.st_mode)):
        kind = _kind(found.st_mode)
    if kind is not None:
        return diag(
            "F007", None, path=str(target), kind=kind[0], kind_en=kind[1], wanted=wanted[0], wanted_en=wanted[1]
        )
    return _folder_problem(target, resolved if folder else resolved.parent, created=folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def destination(path: Path) -> Path:
    """Where the bytes go: through a symbolic link to the file it names (the link stays)."""
    return path.resolve() if path.is_symlink() else path


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that it is either complete or untouched (mode as for a new file). Raises
    OSError; :func:`write_output` is the same with a diagnostic."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (through a symbolic link); raises OutputFailed,
    also when ``target`` is no place for a file (checked again here, whatever the caller did)."""
    if (problem := refusal(target, Inputs())) is not None:
        raise OutputFailed(problem)
    try:
        write_atomically(destination(target), data)
    except (OSError, RuntimeError) as exc:
        raise OutputFailed(failure(target, exc)) from None


class OutputStream:
    """Text written line by line to a temporary file (see :func:`atomic_text`)."""

    def __init__(self, handle: IO[str], target: Path) -> None:
        self._handle = handle
        self._target = target

    def write(self, text: str) -> None:
        try:
            self._handle.write(text)
        except OSError as exc:
            raise OutputFailed(failure(self._target, exc)) from None


@contextmanager
def atomic_text(target: Path) -> Iterator[OutputStream]:
    """A UTF-8 text output streamed to a temporary file beside ``target`` and renamed over it
    when the block ends without an exception (otherwise removed). Raises OutputFailed for the
    output's own failures (and, as write_output, for no place for a file); other exceptions of
    the block pass through unchanged."""
    if (problem := refusal(target, Inputs())) is not None:
        raise OutputFailed(problem)
    try:
        real = destination(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except (OSError, RuntimeError) as exc:
        raise OutputFailed(failure(target, exc)) from None
    handle = os.fdopen(fd, "w", encoding="utf-8")
    try:
        yield OutputStream(handle, target)
    except BaseException:
        _discard(handle, tmp)
        raise
    try:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, real)
    except OSError as exc:
        _discard(handle, tmp)
        raise OutputFailed(failure(target, exc)) from None


def _discard(handle: IO[str], tmp: str) -> None:
    with contextlib.suppress(OSError):  # the buffer could not be flushed: the file goes anyway
        handle.close()
    Path(tmp).unlink(missing_ok=True)

"""Worker processes for a command that treats many files one at a time (``render`` over a
folder): each worker is given one task at a time, so that a worker that dies (killed by the
system, out of memory) is known to have died on that task. Its outcome is then :class:`Died`,
a new worker takes its place, and the other tasks go on as usual.

Workers are forked on Linux: a worker starts in milliseconds with everything this process has
imported and compiled (the form, the templates' environments). What travels between processes
is plain data: paths in, diagnostics and paths out. The approach is audit.run's (its pool is the
model of this one)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import DefaultContext, ForkContext

    _Context = DefaultContext | ForkContext

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


def _mapping(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_mapping(mapping: MappingProxyType[Any, Any]) -> tuple[Callable[..., object], tuple[object, ...]]:
    return _mapping, (dict(mapping),)


# Diagnostics keep their mappings read-only (MappingProxyType), which pickle cannot send;
# multiprocessing's own pickler sends them as the dicts they show (pickle elsewhere is unchanged).
ForkingPickler.register(MappingProxyType, _reduce_mapping)


def available_processors() -> int:
    """The processors this process may run on (a container's or taskset's share)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Died:
    """A worker that died on a task: how it ended (its exit code; minus a signal's number)."""

    exitcode: int | None

    def cause(self) -> tuple[str, str]:
        """How it ended, in Chinese and in English."""
        code = self.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            return f"被信号 {name} 终止", f"killed by signal {name}"
        return f"退出码 {code}", f"exit status {code}"


class WorkerError(RuntimeError):
    """A worker process raised: a bug, raised in the parent with the worker's traceback."""


def _context() -> _Context:
    """fork on Linux; elsewhere the platform's default (spawn), which is safe there."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _serve(conn: Connection, shared: object) -> None:
    """A worker: tasks in, results out, until told to stop (None) or its parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's, which stops the workers
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, work, task = message
        try:
            reply = (index, True, work(shared, task))
        except Exception:  # a bug: the parent raises it, as working in this process would
            reply = (index, False, traceback.format_exc())
        try:
            conn.send(reply)
        except OSError:  # the parent is gone
            return
        except Exception:  # an outcome that cannot be sent: a bug too
            conn.send((index, False, traceback.format_exc()))


@dataclass(frozen=True, slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection


class Pool(Generic[S]):
    """``jobs`` worker processes holding ``shared``, each given one task at a time."""

    def __init__(self, jobs: int, shared: S) -> None:
        self._context = _context()
        self._shared = shared
        self._workers = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        mine, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self._shared), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, mine)

    def __enter__(self) -> Pool[S]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for worker in self._workers:
            if kind is None:
                with contextlib.suppress(OSError):  # already gone
                    worker.conn.send(None)
            else:
                worker.process.terminate()
        for worker in self._workers:
            worker.process.join()
            worker.conn.close()

    def map(
        self, work: Callable[[S, T], R], tasks: Sequence[T], progress: Callable[[int], object] = lambda n: None
    ) -> list[R | Died]:
        """Each task's outcome, in the order of ``tasks``; ``progress(1)`` as each is done.
        ``work`` must be a module-level function (it is sent by name where workers are spawned)."""
        out: dict[int, R | Died] = {}
        waiting = deque(enumerate(tasks))
        busy: dict[int, int] = {}  # a worker's place -> the index of its task
        while waiting or busy:
            for place in range(len(self._workers)):
                if place not in busy and waiting:
                    index, task = waiting.popleft()
                    self._give(place, (index, work, task))
                    busy[place] = index
            watched: dict[Any, int] = {}  # a connection or a process sentinel -> its place
            for place in busy:  # an answer, or the end of the process
                watched[self._workers[place].conn] = place
                watched[self._workers[place].process.sentinel] = place
            for place in sorted({watched[r] for r in wait(list(watched))}):
                out[busy.pop(place)] = self._outcome(place)
                progress(1)
        return [out[i] for i in range(len(tasks))]

    def _give(self, place: int, message: tuple[int, object, object]) -> None:
        try:
            self._workers[place].conn.send(message)
        except OSError:  # it died between two tasks: its place is taken by a new worker
            self._replace(place)
            self._workers[place].conn.send(message)

    def _replace(self, place: int) -> int | None:
        """A new worker in ``place``; the exit code of the one it replaces."""
        worker = self._workers[place]
        worker.process.join()
        worker.conn.close()
        self._workers[place] = self._start()
        return worker.process.exitcode

    def _outcome(self, place: int) -> Any:
        worker = self._workers[place]
        try:
            if worker.conn.poll():
                _, ok, value = worker.conn.recv()
                if not ok:
                    raise WorkerError(value)
                return value
        except (EOFError, OSError):
            pass
        return Died(self._replace(place))  # gone without an answer: it died

"""Start, watch and stop the component processes of a cluster.

Components run in their own session (``start_new_session``) so a Ctrl-C in the terminal reaches
only our CLI, which then stops them in order; their pid and start time are recorded so a later
``status``, ``down`` or ``up`` (after a killed run) finds exactly these processes and never a
recycled pid.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from airunway.devcluster.settings import child_env


@dataclass(frozen=True)
class ProcessRecord:
    """What is needed to find a component process again from another command."""

    name: str
    pid: int
    create_time: float
    log: str
    ports: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Serialisable form for the cluster state file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ProcessRecord:
        """Inverse of :meth:`to_json`."""
        ports = data.get("ports", ())
        return cls(
            name=str(data["name"]),
            pid=int(str(data["pid"])),
            create_time=float(str(data["create_time"])),
            log=str(data["log"]),
            ports=tuple(int(p) for p in ports) if isinstance(ports, list | tuple) else (),
        )

    def process(self) -> psutil.Process | None:
        """The live process, or None if it exited (or the pid now belongs to someone else)."""
        try:
            proc = psutil.Process(self.pid)
            if abs(proc.create_time() - self.create_time) > 1.0:
                return None
            if proc.status() == psutil.STATUS_ZOMBIE:
                with contextlib.suppress(ChildProcessError, OSError, psutil.TimeoutExpired):
                    proc.wait(timeout=0)  # reap it when it is our child
                return None
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None
        return proc

    def alive(self) -> bool:
        """Whether the component is still running."""
        return self.process() is not None

    def rss_bytes(self) -> int:
        """Resident memory of the component (0 when it is gone)."""
        proc = self.process()
        if proc is None:
            return 0
        with contextlib.suppress(psutil.Error):
            return int(proc.memory_info().rss)
        return 0


def start(
    name: str,
    args: list[str],
    log: Path,
    ports: tuple[int, ...] = (),
    extra_env: dict[str, str] | None = None,
) -> ProcessRecord:
    """Start ``args`` in its own session with output appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            args,
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=child_env(**extra_env) if extra_env else None,
        )
    create_time = psutil.Process(proc.pid).create_time()
    return ProcessRecord(name, proc.pid, create_time, str(log), ports)


def stop(record: ProcessRecord, timeout: float = 10.0) -> None:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; reap it so no zombie is left."""
    proc = record.process()
    if proc is None:
        return
    with contextlib.suppress(psutil.NoSuchProcess):
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except psutil.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)

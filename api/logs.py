"""Logging of every Stege process: the CLI's and each `stege serve` worker's.

One line per record on stderr: on a terminal through rich (sharing the
console the CLI's progress bars use, so log lines print above a bar), and
plainly elsewhere (a log file, journald, a container's log), never wrapped,
so that each record (an audit record is one JSON object) stays on one line.
"""

from __future__ import annotations

import logging
import sys

from rich.console import Console
from rich.logging import RichHandler

err = Console(stderr=True, highlight=False)
"""The CLI's stderr: progress bars, status and (on a terminal) the log."""


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
"""The levels STEGE_LOG_LEVEL may name (any case): those both logging and uvicorn know."""


def is_log_level(level: str) -> bool:
    return level.upper() in LOG_LEVELS


_logging_configured = False


def configure_logging(level: str, *, process_id: bool = False) -> None:
    """Once per process: log to stderr, one line per record.

    On a terminal through rich; otherwise (a log file, journald, a container's
    log) plainly, never wrapped, so that each record (an audit record is one
    JSON object) stays on one line. Also called in each of `stege serve`'s
    worker processes (`api.serve.app_from_env`), which start unconfigured;
    with several, `process_id` puts the worker's PID in each line.
    A process whose root logger already has a handler is left as it is.
    """
    global _logging_configured
    if _logging_configured:
        return
    _logging_configured = True
    if logging.getLogger().handlers:
        return
    level = level.upper() if is_log_level(level) else "INFO"
    handler: logging.Handler
    pid = "[%(process)d] " if process_id else ""
    if err.is_terminal:
        handler = RichHandler(console=err, show_path=False, show_time=False)
        handler.setFormatter(logging.Formatter(f"{pid}%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(f"%(levelname)-8s {pid}%(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])

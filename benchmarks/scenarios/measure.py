"""Run a command and report its wall time, peak RSS and CPU time, exactly, as one JSON line.

Usage: python -I -S measure.py RESULT_FILE COMMAND [ARG ...]

Why a separate small process: Linux carries the peak RSS of the process that forks into the
``ru_maxrss`` of the child across ``exec`` (``vfork`` included), so a child started directly by
the benchmark runner reports at least the runner's own size (~40 MB), more than a small client
script needs. Started from this ~8 MB process instead, the figure is the child's own.
``ru_maxrss`` is the largest single process among the child and the descendants it waited for;
the CPU time includes those descendants. The command's exit status is passed on.
"""

import json
import os
import sys
import time

result_file, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
with open(result_file, "w", encoding="ascii") as f:
    json.dump(
        {
            "wall_s": wall,
            "max_rss_kb": usage.ru_maxrss,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "exit": code,
        },
        f,
    )
sys.exit(code if code >= 0 else 128 - code)

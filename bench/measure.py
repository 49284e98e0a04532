#!/usr/bin/env python3
"""bench/measure.py - run a command and report what it cost.

usage: measure.py OUT LOG CMD [ARG...]
Writes one line to OUT: "wall cpu maxrss_kib peak_dirty_kib exit"; the
command's output goes to LOG.

maxrss is the kernel's peak resident set (getrusage), which counts every
page of every shared library the process touched, including pages other
processes share. peak_dirty is the largest Private_Dirty seen in
/proc/PID/smaps_rollup, sampled every 10 ms: heap, stacks and the library
pages the process wrote to, i.e. what it costs beyond the libraries' code.
Both are reported because the first is what `time -v` shows and the second
is what the program itself is responsible for.
"""
import os
import resource
import subprocess
import sys
import time


def dirty_kib(pid):
    total = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Private_Dirty:"):
                    total += int(line.split()[1])
    except OSError:
        return 0
    return total


def main():
    out, log, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    start = time.monotonic()
    with open(log, "w") as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, dirty_kib(proc.pid))
        time.sleep(0.01)
    wall = time.monotonic() - start
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as f:
        f.write("%.3f %.3f %d %d %d\n" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
                                          peak, proc.returncode))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())

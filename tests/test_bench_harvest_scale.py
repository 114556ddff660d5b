"""The harvest bench's own measures (bench/harvest_scale.py): a worker's CPU time and the host's
stolen time are read from /proc, so a slow run can be told from a busy host."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from bench.harvest_scale import host_cpu, tree_cpu_s

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="reads Linux's /proc")


def test_a_process_trees_cpu_time_counts_its_children_live_and_gone():
    busy = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"
    # A parent that runs a busy child, then idles: the child counts while it runs and after
    # its parent has waited for it.
    script = f"import subprocess, sys, time; subprocess.run([sys.executable, '-c', {busy!r}]); time.sleep(3)"
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        time.sleep(0.4)
        running = tree_cpu_s(parent.pid)
        assert running > 0.1
        deadline = time.monotonic() + 20
        while not _children_gone(parent.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _children_gone(parent.pid)
        assert tree_cpu_s(parent.pid) >= 0.6
    finally:
        parent.kill()
        parent.wait(timeout=30)
    assert tree_cpu_s(parent.pid) == 0.0  # a process gone counts nothing


def _children_gone(pid: int) -> bool:
    from bench.harvest_scale import _children

    return not _children(pid)


def test_the_hosts_cpu_time_grows_and_steal_is_part_of_it():
    total, stolen = host_cpu()
    end = time.process_time() + 0.05
    while time.process_time() < end:
        pass
    later_total, later_stolen = host_cpu()
    assert later_total > total > 0
    assert 0 <= stolen <= total and later_stolen >= stolen

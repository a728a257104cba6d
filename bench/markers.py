#!/usr/bin/env python3
"""offload markers against upstream minimalmarkers, side by side, in one run.

    bench/markers.sh [--upstream DIR] [--offload BIN] [--rounds N] [--big] [--markdown FILE]

DIR is a checkout of chryswoods/minimalmarkers (its minimalmarkers.py is
copied to a scratch folder, so numba's cache lands there; nothing of it is
kept). Measures, on the bundled table (and with --big on a generated
20,000 x 1,000 table), with NUMBA_NUM_THREADS=2 and OMP_NUM_THREADS=2:

  whole process   `python3 minimalmarkers.py TABLE` (numba cache warm) against
                  `offload markers TABLE --output ... --with-headers ...`, wall
                  time, interleaved rounds, minimum of each;
  selection step  upstream's find_best_patterns(patterns) in one Python
                  process (called once first on the bundled table: JIT and cache
                  excluded; the big table reuses the cache) against
                  offload's markers_select (from its JSON export), minimum;
  memory          peak resident set of each process (/usr/bin/time or
                  getrusage of the child).

Both write _minimal_markers.txt; the run checks they are byte for byte the
same (upstream's ties follow numpy's argsort: numpy 1.24 as in Debian 12).
Then each target gets PASS or FAIL: both ratios at least 100x. Exit status 0
even when a target fails, unless --strict (then 1). Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DATA = os.path.join(REPO, "data", "AppleGenotypes.csv")
TARGET = 100.0

# Run inside a scratch folder holding upstream's module: loads the table,
# calls find_best_patterns once (JIT, cache), then times it R times.
SELECTION_DRIVER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import minimalmarkers as mm
patterns = mm.load_patterns(sys.argv[2])
if sys.argv[4] == "1":
    mm.find_best_patterns(patterns)
best = None
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    picks = mm.find_best_patterns(patterns)
    dt = time.perf_counter() - t0
    best = dt if best is None or dt < best else best
print(best, len(picks))
"""

# Runs one command and prints its wall time and the child's peak RSS (kB).
PEAK_DRIVER = r"""
import resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL).returncode
dt = time.perf_counter() - t0
print(rc, dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def fmt_t(s):
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.0f} us"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run(cmd, cwd, env):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"markers.py: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return dt, p.stdout


def peak(cmd, cwd, env):
    """(seconds, peak kB) of one process."""
    p = subprocess.run([sys.executable, "-c", PEAK_DRIVER, cwd] + cmd, env=env,
                       stdout=subprocess.PIPE, text=True, check=True)
    rc, dt, kb = p.stdout.split()
    if rc != "0":
        sys.exit(f"markers.py: {' '.join(cmd)} failed ({rc})")
    return float(dt), int(kb)


class Table:
    """One genotype table, set up for both tools in its own folder."""

    def __init__(self, name, src, work, upstream_dir, offload, env):
        self.name = name
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.csv = os.path.join(self.dir, os.path.basename(src))
        shutil.copyfile(src, self.csv)
        stem = os.path.splitext(self.csv)[0]
        self.upstream_out = stem + "_minimal_markers.txt"
        self.upstream_cmd = [sys.executable, os.path.join(upstream_dir, "minimalmarkers.py"),
                             self.csv]
        self.ours_out = os.path.join(self.dir, "offload_minimal_markers.txt")
        self.offload_cmd = [offload, "markers", self.csv, "--backend", "openmp",
                            "--output", self.ours_out,
                            "--with-headers", os.path.join(self.dir, "offload_headers.txt")]
        self.json_cmd = [offload, "markers", self.csv, "--backend", "openmp", "--format", "json"]
        self.env = env

    def same_output(self):
        with open(self.upstream_out, "rb") as a, open(self.ours_out, "rb") as b:
            return a.read() == b.read()


def whole_process(t, rounds):
    """Minimum wall times, upstream and offload, interleaved."""
    up, ours = [], []
    for r in range(rounds):
        order = [("up", t.upstream_cmd), ("ours", t.offload_cmd)]
        if r % 2:
            order.reverse()
        for which, cmd in order:
            dt, _ = run(cmd, t.dir, t.env)
            (up if which == "up" else ours).append(dt)
    return min(up), min(ours)


def selection(t, upstream_dir, rounds, repeats, warm):
    _, out = run([sys.executable, "-c", SELECTION_DRIVER, upstream_dir, t.csv, str(repeats),
                  "1" if warm else "0"], t.dir, t.env)
    up = float(out.split()[0])
    ours = []
    for _ in range(rounds):
        _, js = run(t.json_cmd, t.dir, t.env)
        ours.append(json.loads(js)["times_s"]["selection"])
    return up, min(ours)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True, help="checkout of chryswoods/minimalmarkers")
    ap.add_argument("--offload", required=True, help="the offload binary (Release)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--big", action="store_true",
                    help="also a generated 20,000 x 1,000 table (one round, about two minutes)")
    ap.add_argument("--markdown", help="also write the results as Markdown to this file")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    a = ap.parse_args(argv)
    if not os.path.isfile(os.path.join(a.upstream, "minimalmarkers.py")):
        sys.exit(f"markers.py: no minimalmarkers.py in {a.upstream}: clone "
                 "https://github.com/chryswoods/minimalmarkers and pass --upstream DIR")
    return a


def scratch_folder():
    """A RAM-backed folder when there is one.

    Both tools write their two files there: offload replaces files atomically
    (fsync, rename), which on this machine's disk alone costs 1 to 30 ms a
    run; upstream does not sync.
    """
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    return tempfile.mkdtemp(prefix="offload-markers-", dir=shm)


def measure_table(t, up_dir, rounds, env):
    """(up_whole, ours_whole, up_sel, ours_sel, up_kb, ours_kb) of one table."""
    if t.name == "bundled":
        # Warm numba's cache (the first run compiles, seconds); the big table
        # then reuses it, and runs once (a minute each).
        run(t.upstream_cmd, t.dir, env)
        run(t.offload_cmd, t.dir, env)
        up_whole, ours_whole = whole_process(t, rounds)
        up_sel, ours_sel = selection(t, up_dir, rounds, 3, True)
        _, up_kb = peak(t.upstream_cmd, t.dir, env)
        _, ours_kb = peak(t.offload_cmd, t.dir, env)
    else:
        up_whole, up_kb = peak(t.upstream_cmd, t.dir, env)
        ours_whole, ours_kb = peak(t.offload_cmd, t.dir, env)
        up_sel, ours_sel = selection(t, up_dir, 2, 1, False)
    return up_whole, ours_whole, up_sel, ours_sel, up_kb, ours_kb


def targets_of(same, up_whole, ours_whole, up_sel, ours_sel):
    """PASS/FAIL lines for both targets (a different answer fails both)."""
    lines = []
    for label, up, ours in (("whole process", up_whole, ours_whole),
                            ("selection step", up_sel, ours_sel)):
        ratio = up / ours
        ok = ratio >= TARGET and same
        lines.append(f"target markers {label} >= {TARGET:.0f}x upstream: "
                     f"{'PASS' if ok else 'FAIL'} ({ratio:.0f}x: {fmt_t(up)} vs "
                     f"{fmt_t(ours)}{'' if same else ', outputs differ'})")
    return lines


HEAD_ROW = ["table", "output", "upstream process", "offload process", "ratio",
            "upstream selection", "offload selection", "ratio", "upstream peak",
            "offload peak", "file"]


def render(header, rows, targets, markdown):
    """Prints the table and targets; writes them as Markdown when asked."""
    w = [max(len(str(r[i])) for r in [HEAD_ROW] + rows) for i in range(len(HEAD_ROW))]
    lines = list(header)
    lines.append("  ".join(h.ljust(w[i]) for i, h in enumerate(HEAD_ROW)))
    for r in rows:
        lines.append("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)))
    lines.extend(targets)
    print("\n".join(lines))
    if markdown:
        md = [f"{header[0]}\n\n{header[1]}\n",
              "| " + " | ".join(HEAD_ROW) + " |\n|" + "---|" * len(HEAD_ROW)]
        md.extend("| " + " | ".join(r) + " |" for r in rows)
        md.append("")
        md.extend(f"- {t}" for t in targets)
        with open(markdown, "w") as f:
            f.write("\n".join(md) + "\n")


def header_lines(work):
    import numpy
    import numba
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [f"offload markers vs upstream minimalmarkers: {cpu_model()}, {os.cpu_count()} CPUs, "
            f"{when}",
            f"upstream: numba {numba.__version__}, numpy {numpy.__version__}, Python "
            f"{platform.python_version()}; NUMBA_NUM_THREADS=2, OMP_NUM_THREADS=2, offload "
            f"--backend openmp; files written to {os.path.dirname(work)}"]


def main(argv):
    a = parse_args(argv)
    work = scratch_folder()
    try:
        up_dir = os.path.join(work, "upstream")
        os.makedirs(up_dir)
        shutil.copyfile(os.path.join(a.upstream, "minimalmarkers.py"),
                        os.path.join(up_dir, "minimalmarkers.py"))
        env = dict(os.environ, NUMBA_NUM_THREADS="2", OMP_NUM_THREADS="2", NO_PROGRESS="1")
        tables = [("bundled", DATA)]
        if a.big:
            big = os.path.join(work, "g20000x1000.csv")
            subprocess.run([sys.executable, os.path.join(HERE, "gen_genotypes.py"), big,
                            "--markers", "20000", "--varieties", "1000"], check=True)
            tables.append(("20000x1000", big))
        rows, targets = [], []
        for name, src in tables:
            t = Table(name, src, work, up_dir, a.offload, env)
            up_whole, ours_whole, up_sel, ours_sel, up_kb, ours_kb = measure_table(
                t, up_dir, a.rounds, env)
            same = t.same_output()
            rows.append([name, "same" if same else "DIFFERENT", fmt_t(up_whole), fmt_t(ours_whole),
                         f"{up_whole / ours_whole:.0f}x", fmt_t(up_sel), fmt_t(ours_sel),
                         f"{up_sel / ours_sel:.0f}x", f"{up_kb / 1024:.0f} MiB",
                         f"{ours_kb / 1024:.1f} MiB", f"{os.path.getsize(t.csv) / 2**20:.1f} MiB"])
            if name == "bundled":
                targets = targets_of(same, up_whole, ours_whole, up_sel, ours_sel)
        render(header_lines(work), rows, targets, a.markdown)
        return 1 if a.strict and any("FAIL" in t for t in targets) else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

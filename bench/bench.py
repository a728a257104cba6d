#!/usr/bin/env python3
"""offload against the numba tutorial, side by side, in one command.

    python3 bench/bench.py [--threads T] [--quick] [--strict] [--markdown FILE]

Measures, at the same sizes and the same thread count:

  sqrt     N = 10M       numba (tutorial, parallel) vs offload OpenMP
  sumsqrt  N = 10k       numba vs offload OpenMP, OpenCL and --algorithm fast
  scores   100% of data  numba vs offload OpenMP, OpenCL and --algorithm fast
  script   the tutorial's whole scoring script (a python process) vs
           `offload scores` (a process), wall time around each

Every figure is the minimum over repeats (the machine may be shared and
noisy); numba's functions are called once before timing, so compilation
is excluded, and offload's kernel time comes from its JSON export, whose
runs follow offload's own warm-up. numba and offload runs are interleaved
in rounds, alternating which goes first. Then each target gets PASS or FAIL.
The figures are reported as measured; exit status is 0 even when a target
fails, unless --strict is given (then 1 on any FAIL).

Only the Python standard library, numpy and numba are used. If this
interpreter has no numba, the script restarts itself under `python3` or
/usr/bin/python3 if one of those has it.
"""

import argparse
import datetime
from dataclasses import dataclass, field
import importlib.util
import json
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_DATA = os.path.join(REPO, "data", "AppleGenotypes.csv")
SCRIPT = os.path.join(HERE, "numba_scores_script.py")
NUMBA_FIX = ("numba is not installed for any Python found (tried this interpreter, "
             "`python3` on PATH and /usr/bin/python3).\n"
             "fix: sudo apt-get install python3-numba   (Debian/Ubuntu; numba for "
             "/usr/bin/python3)\n"
             "     or: python3 -m pip install numba")


# --------------------------------------------------------------------------
# Finding a Python with numba


def die(msg):
    """Cannot run at all: exit status 2."""
    print(msg, file=sys.stderr)
    sys.exit(2)


def has_numba(python):
    """True if `python` can import numba (checked in a child process)."""
    try:
        r = subprocess.run([python, "-c", "import numba, numpy"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def ensure_numba_python():
    """Returns when this interpreter has numba; otherwise re-executes this
    script under `python3` (PATH) or /usr/bin/python3 when one has it, or
    exits 2 with the fix. numba itself is not imported here, so that
    NUMBA_NUM_THREADS can still be set before it is."""
    if importlib.util.find_spec("numba") and importlib.util.find_spec("numpy"):
        return
    if os.environ.get("OFFLOAD_BENCH_REEXEC"):
        die("bench.py: " + NUMBA_FIX)
    me = os.path.realpath(sys.executable or "")
    for cand in (shutil.which("python3"), "/usr/bin/python3"):
        if not cand or os.path.realpath(cand) == me or not os.access(cand, os.X_OK):
            continue
        if has_numba(cand):
            print(f"bench.py: {sys.executable} has no numba; using {cand}", file=sys.stderr)
            env = dict(os.environ, OFFLOAD_BENCH_REEXEC="1")
            os.execve(cand, [cand, os.path.abspath(__file__)] + sys.argv[1:], env)
    die("bench.py: " + NUMBA_FIX)


# --------------------------------------------------------------------------
# Helpers


def fmt_t(s):
    if s is None:
        return "-"
    if s >= 1.0:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3f} ms"
    return f"{s * 1e6:.1f} us"


def fmt_x(r):
    if r is None:
        return "-"
    if r >= 100:
        return f"{r:.0f}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


class Log:
    """Collects the exact commands run, once each, in order."""

    def __init__(self):
        self.commands = []

    def add(self, text):
        if text not in self.commands:
            self.commands.append(text)


def shell_line(cmd, env_extra=None):
    pre = " ".join(f"{k}={shlex.quote(str(v))}" for k, v in (env_extra or {}).items())
    return (pre + " " if pre else "") + " ".join(shlex.quote(c) for c in cmd)


def find_offload(explicit):
    if explicit:
        return os.path.abspath(explicit)
    if os.environ.get("OFFLOAD_BIN"):
        return os.path.abspath(os.environ["OFFLOAD_BIN"])
    for d in ("build-bench", "build"):
        p = os.path.join(REPO, d, "offload")
        if os.access(p, os.X_OK):
            return p
    return None


# --------------------------------------------------------------------------
# offload runs


class OffloadError(Exception):
    pass


def run_offload_json(log, offload, args, env_extra=None):
    """Runs `offload ARGS --format json`; returns results[0] of the export."""
    cmd = [offload] + args + ["--format", "json"]
    env = dict(os.environ, **(env_extra or {}))
    log.add(shell_line(cmd, env_extra))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       universal_newlines=True)
    if r.returncode != 0:
        tail = " | ".join(r.stderr.strip().splitlines()[-3:])
        raise OffloadError(f"exit {r.returncode}: {tail}")
    try:
        doc = json.loads(r.stdout)
        res = doc["results"][0]
    except (ValueError, KeyError, IndexError) as e:
        raise OffloadError(f"unreadable JSON export ({e})")
    return res


class Series:
    """The best (minimum) of several timed batches of one configuration."""

    def __init__(self, label):
        self.label = label
        self.min = None
        self.n = 0
        self.result = None  # offload: the JSON result whose min is the best
        self.error = None
        self.check_ok = True
        self.note = ""

    def add_samples(self, samples):
        for s in samples:
            self.n += 1
            if self.min is None or s < self.min:
                self.min = s

    def add_offload(self, res):
        k = res["stats_s"]["kernel"]
        if not res.get("check", {}).get("ok", False):
            self.check_ok = False
        self.n += int(k.get("n", 0))
        if self.min is None or k["min"] < self.min:
            self.min = k["min"]
            self.result = res


def time_numba(fn, arg, repeats):
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(arg)
        out.append(time.perf_counter() - t)
    return out


# --------------------------------------------------------------------------
# Machine information


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return [float(v) for v in f.read().split()[:3]]
    except (OSError, ValueError):
        return None


def build_flags(offload):
    """Compiler and C flags from the CMake build folder that holds offload."""
    d = os.path.dirname(offload)
    info = {}
    cache = os.path.join(d, "CMakeCache.txt")
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    info["build type"] = line.split("=", 1)[1].strip()
                elif line.startswith("CMAKE_C_COMPILER:"):
                    cc = line.split("=", 1)[1].strip()
                    try:
                        v = subprocess.run([cc, "--version"], stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL,
                                           universal_newlines=True).stdout
                        info["compiler"] = v.splitlines()[0] if v else cc
                    except OSError:
                        info["compiler"] = cc
    except OSError:
        return {}
    for target in ("offload_core", "offload"):
        fm = os.path.join(d, "CMakeFiles", f"{target}.dir", "flags.make")
        try:
            with open(fm) as f:
                for line in f:
                    if line.startswith("C_FLAGS"):
                        info["C flags"] = line.split("=", 1)[1].strip()
                        break
        except OSError:
            continue
        if "C flags" in info:
            break
    return info


def offload_version(log, offload):
    cmd = [offload, "--version"]
    log.add(shell_line(cmd))
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        # The first lines: version and build (the licence lines are not needed).
        lines = [l.strip() for l in r.stdout.splitlines() if l.strip()][:2]
        return "; ".join(lines) or "unknown"
    except OSError as e:
        return f"unknown ({e})"


# --------------------------------------------------------------------------
# Options


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="bench.py",
        description="offload vs the numba tutorial: timings side by side and targets.")
    ap.add_argument("--threads", type=int, default=2,
                    help="threads for both: NUMBA_NUM_THREADS and offload --threads (default 2)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="timed runs of fast things, min taken (default 20; --quick 4)")
    ap.add_argument("--slow-repeat", type=int, default=None,
                    help="timed runs of numba sumsqrt (default 6; --quick 2)")
    ap.add_argument("--script-runs", type=int, default=None,
                    help="whole-script runs of each process, min taken (default 5; --quick 2)")
    ap.add_argument("--rounds", type=int, default=None,
                    help="interleaving rounds the repeats are split into (default 3; --quick 2)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: same sizes, few repeats (noisy figures)")
    ap.add_argument("--sqrt-size", type=int, default=10_000_000, help="default 10000000")
    ap.add_argument("--sumsqrt-size", type=int, default=10_000, help="default 10000")
    ap.add_argument("--data", default=DEFAULT_DATA, help="genotype CSV (default: bundled)")
    ap.add_argument("--percent", type=float, default=100.0,
                    help="scores: first P%% of the data lines (default 100)")
    ap.add_argument("--offload", default=None,
                    help="offload binary (default: $OFFLOAD_BIN, build-bench/offload, build/offload)")
    ap.add_argument("--opencl", default="opencl",
                    help="offload backend for the OpenCL runs (default opencl; e.g. opencl:0.0)")
    ap.add_argument("--no-recalibrate", action="store_true",
                    help="use offload's cached ceilings instead of measuring them first")
    ap.add_argument("--markdown", metavar="FILE",
                    help="also write the results as a Markdown section to FILE")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any target fails")
    ap.add_argument("--label", default=None,
                    help="name of this build in the output (run.sh: native, x86-64-v3)")
    ap.add_argument("--summary-json", metavar="FILE",
                    help="also write the targets as JSON to FILE (run.sh puts builds side by side)")
    a = ap.parse_args(argv)
    q = a.quick
    if a.repeat is None:
        a.repeat = 4 if q else 20
    if a.slow_repeat is None:
        a.slow_repeat = 2 if q else 6
    if a.script_runs is None:
        a.script_runs = 2 if q else 5
    if a.rounds is None:
        a.rounds = 2 if q else 3
    for name in ("threads", "repeat", "slow_repeat", "script_runs", "rounds",
                 "sqrt_size", "sumsqrt_size"):
        if getattr(a, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    if not (0 < a.percent <= 100):
        ap.error("--percent must be above 0 and at most 100")
    return a


def split(total, rounds):
    """Repeats per round so that rounds x per-round >= total."""
    return max(1, math.ceil(total / rounds))


# --------------------------------------------------------------------------
# One run: what its steps share, and what its report shows


@dataclass
class Run:
    """What the steps of one benchmark run share: the options, the offload
    binary, the commands run, the report's header (info) and its checks,
    and the numpy, numba and tutorial modules, imported once numba's thread
    count is set."""
    args: argparse.Namespace
    offload: str
    log: Log
    info: dict
    load_start: list
    pocl_env: dict
    np: object
    numba: object
    nt: object
    checks: list = field(default_factory=list)


@dataclass
class Inputs:
    """The numba side's inputs, at the sizes offload is given."""
    x_sqrt: object
    x_sum: object
    ids: list
    matrix: object


@dataclass
class ScriptTimes:
    """The whole scoring script, as two processes: wall times, the best
    lines each printed, why one failed, and the numba script's own
    breakdown of each run (by its wall time)."""
    walls: dict = field(default_factory=lambda: {"numba": [], "offload": []})
    best_lines: dict = field(default_factory=lambda: {"numba": set(), "offload": set()})
    errors: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)

    def best(self, which):
        return min(self.walls[which]) if self.walls[which] else None

    def lines_ok(self):
        return (len(self.best_lines["numba"]) == 1 and
                self.best_lines["numba"] == self.best_lines["offload"])


@dataclass
class Report:
    """Everything the text and Markdown reports show."""
    info: dict
    sizes: str
    kern_head: list
    rows: list
    ceil_rows: list
    script_rows: list
    targets: list
    checks: list
    notes: list
    commands: list
    fails: int


KERNEL_HEAD = ["kernel", "numba", "offload OpenMP", "numba/OpenMP", "offload OpenCL",
               "OpenCL/OpenMP", "offload fast", "numba/fast"]
# The offload configurations timed for each kernel, beside numba.
KERNEL_PLAN = {"sqrt": ["openmp", "opencl"], "sumsqrt": ["openmp", "opencl", "fast"],
               "scores": ["openmp", "opencl", "fast"]}


def progress(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Main


def main(argv):
    a = parse_args(argv)
    ensure_numba_python()
    # numba reads NUMBA_NUM_THREADS when it is first imported.
    os.environ["NUMBA_NUM_THREADS"] = str(a.threads)
    log = Log()
    offload = offload_or_die(a)
    np, numba, nt, import_s = import_numba(a.threads)
    info, load_start = machine_info(a, log, offload, np, numba)
    T = str(a.threads)
    run = Run(args=a, offload=offload, log=log, info=info, load_start=load_start,
              pocl_env={"POCL_MAX_PTHREAD_COUNT": T, "POCL_CPU_MAX_CU_NUM": T},
              np=np, numba=numba, nt=nt)
    calibrate(run)
    inputs = warm_up_numba(run, import_s)
    check_numba(run, inputs)
    series = time_kernels(run, inputs)
    add_series_checks(run.checks, series)
    script = time_whole_script(run)
    report = build_report(run, series, script, inputs.matrix)
    return write_outputs(run, report)


def offload_or_die(a):
    """The offload binary to measure; exits 2 without it or the data."""
    offload = find_offload(a.offload)
    if not offload or not os.access(offload, os.X_OK):
        die("bench.py: no offload binary found; build it (bench/run.sh does) or pass "
            "--offload PATH")
    if not os.path.isfile(a.data):
        die(f"bench.py: no genotype data at {a.data}")
    return offload


def import_numba(threads):
    """Imports numpy, numba and the tutorial's functions, timed (the report
    shows it), and sets numba's thread count."""
    sys.path.insert(0, HERE)
    t = time.perf_counter()
    import numpy as np
    import numba
    import numba_tutorial as nt
    import_s = time.perf_counter() - t
    numba.set_num_threads(threads)
    return np, numba, nt, import_s


def machine_info(a, log, offload, np, numba):
    """The report's header so far, and the load average at the start."""
    T = a.threads
    started = datetime.datetime.now(datetime.timezone.utc)
    info = {
        "build": a.label or "(one build)",
        "date (UTC)": started.strftime("%Y-%m-%d %H:%M:%S"),
        "CPU": cpu_model(),
        "cores online": str(os.cpu_count()),
        "threads used": f"{T} (NUMBA_NUM_THREADS={T}, offload --threads {T}, "
                        f"PoCL POCL_MAX_PTHREAD_COUNT={T})",
        "offload": offload_version(log, offload) + f" ({offload})",
        "numba": f"{numba.__version__} (numpy {np.__version__}, Python "
                 f"{platform.python_version()} {sys.executable})",
    }
    for k, v in build_flags(offload).items():
        info["offload " + k] = v
    load_start = load_average()
    if load_start:
        info["load average at start"] = " ".join(f"{v:.2f}" for v in load_start) + \
            " (1, 5, 15 min)"
    info["repeats"] = (f"min of {a.repeat} (numba sumsqrt: {a.slow_repeat}) in {a.rounds} "
                       f"interleaved rounds; whole script: min of {a.script_runs} "
                       f"alternating runs" + ("; --quick" if a.quick else ""))
    return info, load_start


def calibrate(run):
    """Ceilings: measured now under the same conditions unless told not to."""
    if run.args.no_recalibrate:
        return
    cmd = [run.offload, "calibrate", "--backends", "openmp", "--threads",
           str(run.args.threads), "--recalibrate"]
    run.log.add(shell_line(cmd))
    progress("measuring offload's OpenMP ceilings")
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --------------------------------------------------------------------------
# numba: inputs, warm-up and correctness


def numba_calls(nt, inputs):
    """Each kernel's numba function and its input."""
    return {"sqrt": (nt.sqrt_numba, inputs.x_sqrt),
            "sumsqrt": (nt.sumsqrt_numba, inputs.x_sum),
            "scores": (nt.scores_numba, inputs.matrix)}


def warm_up_numba(run, import_s):
    """Inputs and numba warm-up (JIT and first call excluded from the timings)."""
    a, nt = run.args, run.nt
    x_sqrt = nt.make_sqrt_input(a.sqrt_size)
    x_sum = nt.make_sqrt_input(a.sumsqrt_size)
    ids, matrix, _ = nt.load_genotypes(a.data, a.percent)
    inputs = Inputs(x_sqrt=x_sqrt, x_sum=x_sum, ids=ids, matrix=matrix)
    jit = {}
    progress("compiling the numba functions (first calls)")
    for name, (fn, arg) in numba_calls(nt, inputs).items():
        t = time.perf_counter()
        fn(arg)
        jit[name] = time.perf_counter() - t
    run.info["numba threading layer"] = run.numba.threading_layer()
    run.info["numba first calls (JIT)"] = \
        ", ".join(f"{k} {fmt_t(v)}" for k, v in jit.items()) + f"; import {fmt_t(import_s)}"
    return inputs


def check_numba(run, inputs):
    """numba correctness, against numpy and (scores) against offload."""
    np, nt = run.np, run.nt
    o = nt.sqrt_numba(inputs.x_sqrt)
    ref = np.sqrt(inputs.x_sqrt).astype(np.float32)
    run.checks.append(("numba sqrt == float32(numpy sqrt)", bool(np.array_equal(o, ref)), ""))
    o = nt.sumsqrt_numba(inputs.x_sum)
    ref = math.fsum(np.sqrt(inputs.x_sum))
    err = float(np.max(np.abs(o.astype(np.float64) - ref))) / ref
    run.checks.append(("numba sumsqrt vs fsum of sqrt (float32 output)", err <= 2 ** -23 * 4,
                       f"largest relative error {err:.2e}"))
    check_scores_against_offload(run, inputs.ids, nt.scores_numba(inputs.matrix))


def check_scores_against_offload(run, ids, numba_scores):
    """numba's scores against `offload scores --out`, row by row."""
    a, name = run.args, "numba scores == offload scores --out, every row"
    with tempfile.TemporaryDirectory(prefix="offload-bench-") as tmp:
        out_csv = os.path.join(tmp, "scores.csv")
        cmd = [run.offload, "scores", a.data, "--percent", f"{a.percent:g}", "--threads",
               str(a.threads), "--out", out_csv]
        run.log.add(shell_line(cmd))
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           universal_newlines=True)
        try:
            with open(out_csv) as f:
                rows = [ln.rstrip("\r\n").rsplit(",", 1) for ln in f][1:]
            same = (len(rows) == len(ids) and
                    all(rid == i and int(s) == int(v)
                        for (rid, s), i, v in zip(rows, ids, numba_scores)))
            diff = sum(1 for (rid, s), v in zip(rows, numba_scores) if int(s) != int(v))
            run.checks.append((name, same, f"{len(rows)} rows, {diff} differ" if not same else
                               f"{len(rows)} rows"))
        except (OSError, ValueError) as e:
            run.checks.append((name, False, f"offload scores failed (exit {r.returncode}): {e}"))


# --------------------------------------------------------------------------
# Kernels: rounds, alternating order


def time_kernels(run, inputs):
    """Every kernel, numba and each offload configuration in turn, in
    rounds; returns {(kernel, label): Series}."""
    a = run.args
    calls = numba_calls(run.nt, inputs)
    series = {}
    for kern, labels in KERNEL_PLAN.items():
        fn, arg = calls[kern]
        nrep = a.slow_repeat if kern == "sumsqrt" else a.repeat
        n_per = split(nrep, a.rounds)
        o_per = split(a.repeat, a.rounds)
        s_numba = series[(kern, "numba")] = Series(f"{kern} numba")
        for lab in labels:
            series[(kern, lab)] = Series(f"{kern} {lab}")
        progress(f"{kern}: numba x{n_per * a.rounds}, offload {', '.join(labels)} "
                 f"x{o_per * a.rounds}, in {a.rounds} rounds")
        for rnd in range(a.rounds):
            steps = ["numba"] + labels
            if rnd % 2:
                steps.reverse()
            for st in steps:
                if st == "numba":
                    s_numba.add_samples(time_numba(fn, arg, n_per))
                else:
                    time_offload(run, series[(kern, st)], kern=kern, label=st, repeats=o_per)
    return series


def time_offload(run, s, kern, label, repeats):
    """One `offload run` of a kernel in one configuration, into its series;
    a configuration that failed once is not run again."""
    if s.error:
        return
    a = run.args
    size_args = {
        "sqrt": ["--size", str(a.sqrt_size)],
        "sumsqrt": ["--size", str(a.sumsqrt_size)],
        "scores": ["--data", a.data, "--percent", f"{a.percent:g}"],
    }
    variants = {  # label: (extra offload args, extra env)
        "openmp": (["--backend", "openmp"], None),
        "opencl": (["--backend", a.opencl], run.pocl_env),
        "fast": (["--backend", "openmp", "--algorithm", "fast"], None),
    }
    extra, env = variants[label]
    args = ["run", kern] + extra + ["--threads", str(a.threads)] + size_args[kern] + \
           ["--repeat", str(repeats)]
    try:
        s.add_offload(run_offload_json(run.log, run.offload, args, env))
    except OffloadError as e:
        s.error = str(e)


def add_series_checks(checks, series):
    for (kern, lab), s in series.items():
        if lab != "numba":
            checks.append((f"offload {kern} {lab}: result matches serial reference",
                           s.check_ok and not s.error, s.error or ""))


# --------------------------------------------------------------------------
# Whole scoring script: two processes, alternating, wall time


def script_commands(run):
    """{"numba" | "offload": (command, extra environment)}, both logged."""
    a, T = run.args, str(run.args.threads)
    script_cmd = [sys.executable, SCRIPT, a.data, "--percent", f"{a.percent:g}", "--timings"]
    script_env = {"NUMBA_NUM_THREADS": T}
    off_cmd = [run.offload, "scores", a.data, "--percent", f"{a.percent:g}", "--threads", T]
    run.log.add(shell_line(script_cmd, script_env))
    run.log.add(shell_line(off_cmd))
    return {"numba": (script_cmd, script_env), "offload": (off_cmd, {})}


def time_whole_script(run):
    cmds = script_commands(run)
    st = ScriptTimes()
    progress(f"whole script: {run.args.script_runs} timed runs of each process "
             "(after one untimed)")
    for which in ("numba", "offload"):  # untimed: page cache, first-run effects
        run_script_once(st, which, *cmds[which])
    for k in range(run.args.script_runs):
        order = ("numba", "offload") if k % 2 == 0 else ("offload", "numba")
        for which in order:
            w = run_script_once(st, which, *cmds[which])
            if w is not None:
                st.walls[which].append(w)
    run.checks.append(("whole script: both print the same best line", st.lines_ok(),
                       " / ".join(sorted(st.best_lines["numba"] | st.best_lines["offload"])) or
                       "; ".join(f"{k}: {v}" for k, v in st.errors.items())))
    return st


def run_script_once(st, which, cmd, env_extra):
    """Runs one process; returns its wall time, or None when it failed."""
    env = dict(os.environ, **env_extra)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       universal_newlines=True)
    w = time.perf_counter() - t
    if r.returncode != 0:
        st.errors[which] = f"exit {r.returncode}: " + " | ".join(r.stderr.strip().splitlines()[-2:])
        return None
    for line in r.stdout.splitlines():
        if line.startswith("The best score"):
            st.best_lines[which].add(line.strip())
    for line in r.stderr.splitlines():
        if line.startswith("timings_s "):
            kv = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
            st.parts[w] = kv
    return w


# --------------------------------------------------------------------------
# Results


def best_time(series, kern, lab):
    s = series.get((kern, lab))
    return None if s is None or s.error else s.min


def analysis_of(series, kern, lab):
    s = series.get((kern, lab))
    return (s.result or {}).get("analysis", {}) if s else {}


def ceiling_fractions(series):
    """offload's analysis of its fastest OpenMP run of each kernel, and the
    share of its ceiling: for sqrt the one named in offload's verdict (the
    roofline's slower limit), as its tables show it."""
    an = {kern: analysis_of(series, kern, "openmp") for kern in ("sqrt", "sumsqrt", "scores")}
    frac = {"sqrt": an["sqrt"].get("ceiling_fraction") or None,
            "sumsqrt": ratio(an["sumsqrt"].get("gops"), an["sumsqrt"].get("peak_gops")),
            "scores": ratio(an["scores"].get("gops"), an["scores"].get("peak_gops"))}
    return an, frac


def kernel_rows(series):
    rows = []
    for kern in ("sqrt", "sumsqrt", "scores"):
        nb, om, cl, fa = (best_time(series, kern, "numba"), best_time(series, kern, "openmp"),
                          best_time(series, kern, "opencl"), best_time(series, kern, "fast"))
        rows.append([kern, fmt_t(nb), fmt_t(om), fmt_x(ratio(nb, om)),
                     fmt_t(cl), fmt_x(ratio(cl, om)),
                     fmt_t(fa) if kern != "sqrt" else "n/a",
                     fmt_x(ratio(nb, fa)) if kern != "sqrt" else "n/a"])
    return rows


def sizes_line(a, matrix):
    return (f"sqrt N={a.sqrt_size}, sumsqrt N={a.sumsqrt_size} (naive), scores "
            f"{matrix.shape[0]} markers x {matrix.shape[1]} varieties ({a.percent:g}% of "
            f"{os.path.basename(a.data)}, naive); kernel times, min over repeats")


def shown_fraction(v):
    return f"{v * 100:.1f}%" if v is not None else "-"


def ceiling_rows(an, frac):
    rows = []
    if an["sqrt"]:
        s = an["sqrt"]
        rows.append(["sqrt OpenMP", f"{s.get('gbps', 0):.2f} GB/s, "
                     f"{s.get('gops', 0):.3f} G sqrt/s",
                     f"{s.get('peak_gbps', 0):.2f} GB/s (f64->f32 mix), "
                     f"{s.get('peak_gops', 0):.3f} G/s (float64 sqrt); verdict "
                     f"{s.get('verdict', '?')}",
                     shown_fraction(frac["sqrt"])])
    if an["sumsqrt"]:
        s = an["sumsqrt"]
        rows.append(["sumsqrt naive OpenMP", f"{s.get('gops', 0):.3f} G sqrt/s",
                     f"{s.get('peak_gops', 0):.3f} G sqrt/s (float64 sqrt)",
                     shown_fraction(frac["sumsqrt"])])
    if an["scores"]:
        s = an["scores"]
        rows.append(["scores naive OpenMP", f"{s.get('gops', 0):.1f} G compare/s",
                     f"{s.get('peak_gops', 0):.1f} G compare/s (int8 compare)",
                     shown_fraction(frac["scores"])])
    return rows


def target(name, value, need, ok_fn, shown):
    if value is None:
        return [name, "not measured", need, "FAIL"]
    return [name, shown(value), need, "PASS" if ok_fn(value) else "FAIL"]


def shown_speedup(v):
    return fmt_x(v) + " faster"


def shown_percent(v):
    return f"{v * 100:.1f}%"


def shown_times(v):
    return f"{v:.2f}x"


def target_rows(series, frac, script):
    """Each target: name, measured, required, PASS or FAIL."""
    t = {key: best_time(series, *key) for key in series}  # (kernel, label): best time
    return [
        target("sqrt: OpenMP vs numba", ratio(t["sqrt", "numba"], t["sqrt", "openmp"]),
               ">= 4x faster", lambda v: v >= 4.0, shown_speedup),
        target("sqrt: OpenMP share of its ceiling (the verdict's limit)", frac["sqrt"],
               "90% to 105%", lambda v: 0.90 <= v <= 1.05, shown_percent),
        target("sumsqrt naive: OpenMP vs numba",
               ratio(t["sumsqrt", "numba"], t["sumsqrt", "openmp"]),
               ">= 3.8x faster", lambda v: v >= 3.8, shown_speedup),
        target("sumsqrt naive: OpenMP fraction of float64 sqrt ceiling", frac["sumsqrt"],
               "90% to 105%", lambda v: 0.90 <= v <= 1.05, shown_percent),
        target("scores naive: OpenMP vs numba",
               ratio(t["scores", "numba"], t["scores", "openmp"]),
               ">= 25x faster", lambda v: v >= 25.0, shown_speedup),
        target("scores naive: OpenMP fraction of int8 compare ceiling", frac["scores"],
               "70% to 105%", lambda v: 0.70 <= v <= 1.05, shown_percent),
        target("sqrt: OpenMP kernel time / OpenCL (PoCL)",
               ratio(t["sqrt", "openmp"], t["sqrt", "opencl"]),
               "<= 1.1x", lambda v: v <= 1.1, shown_times),
        target("sumsqrt naive: OpenMP kernel time / OpenCL (PoCL)",
               ratio(t["sumsqrt", "openmp"], t["sumsqrt", "opencl"]),
               "<= 1.1x", lambda v: v <= 1.1, shown_times),
        target("scores naive: OpenMP kernel time / OpenCL (PoCL)",
               ratio(t["scores", "openmp"], t["scores", "opencl"]),
               "<= 1.1x", lambda v: v <= 1.1, shown_times),
        target("whole script: offload scores vs numba script (wall)",
               ratio(script.best("numba"), script.best("offload")) if script.lines_ok() else None,
               ">= 50x faster (<= 1/50 of the time)", lambda v: v >= 50.0, shown_speedup),
        target("scores fast vs numba naive",
               ratio(t["scores", "numba"], t["scores", "fast"]),
               ">= 500x faster", lambda v: v >= 500.0, shown_speedup),
    ]


def script_rows(script):
    rows = []
    for which, name in (("numba", "numba_scores_script.py (python process)"),
                        ("offload", "offload scores (process)")):
        rows.append([name, fmt_t(script.best(which)),
                     f"{len(script.walls[which])} runs" +
                     (f"; {script.errors[which]}" if which in script.errors else "")])
    return rows


def run_notes(run, series, script):
    """The report's notes, the busy-machine warning first."""
    notes = []
    load_start = run.load_start
    if load_start and load_start[0] > 0.25 * (os.cpu_count() or 1):
        notes.append(f"the machine was busy when the run started (1-min load "
                     f"{load_start[0]:.2f} on {os.cpu_count()} cores): other processes "
                     "compete for the same cores, so the figures are noisy; rerun on a "
                     "quiet machine before trusting a PASS or FAIL")
    for (kern, lab), s in series.items():
        if s.error:
            notes.append(f"offload {kern} {lab} failed: {s.error}")
    if not script.lines_ok():
        notes.append("the two scoring processes did not print the same single best line, "
                     "so the whole-script target counts as not measured")
    ceil = (series[("sqrt", "openmp")].result or {}).get("ceilings", {})
    if ceil:
        notes.append("offload OpenMP ceilings used: STREAM triad "
                     f"{ceil.get('stream_triad_bytes_per_s', 0) / 1e9:.2f} GB/s, float64 sqrt "
                     f"{ceil.get('sqrt_f64_per_s', 0) / 1e9:.3f} G/s" +
                     (" (from offload's cache, --no-recalibrate)" if run.args.no_recalibrate else
                      " (measured at the start of this run)"))
    notes.append("numba times include the output allocation inside each function, as the "
                 "tutorial writes them; offload kernel times are its JSON "
                 "results[0].stats_s.kernel.min. Inputs are drawn alike (500 x uniform) "
                 "but by different generators.")
    info_sumfast = ratio(best_time(series, "sumsqrt", "numba"),
                         best_time(series, "sumsqrt", "fast"))
    if info_sumfast is not None:
        notes.append(f"sumsqrt fast vs numba naive (no target): {fmt_x(info_sumfast)} faster")
    notes += numba_script_note(script)
    return notes


def numba_script_note(script):
    """The numba script's own breakdown of its fastest run, when it gave one."""
    kv = script.parts.get(script.best("numba"))
    if not kv:
        return []
    try:
        return ["numba script's fastest run, by its own clock: import "
                f"{fmt_t(float(kv['import']))}, read CSV {fmt_t(float(kv['read']))}, "
                f"JIT + scoring {fmt_t(float(kv['jit_and_score']))} (numba compiles "
                "in every new process; the tutorial uses no cache)"]
    except (KeyError, ValueError):
        return []


def build_report(run, series, script, matrix):
    an, frac = ceiling_fractions(series)
    targets = target_rows(series, frac, script)
    notes = run_notes(run, series, script)
    load_end = load_average()
    if load_end:
        run.info["load average at end"] = " ".join(f"{v:.2f}" for v in load_end) + \
            " (includes this benchmark)"
    return Report(info=run.info, sizes=sizes_line(run.args, matrix), kern_head=KERNEL_HEAD,
                  rows=kernel_rows(series), ceil_rows=ceiling_rows(an, frac),
                  script_rows=script_rows(script), targets=targets, checks=run.checks,
                  notes=notes, commands=run.log.commands,
                  fails=sum(1 for t in targets if t[3] == "FAIL"))


def write_outputs(run, report):
    """Prints the report, writes the files asked for; returns the exit status."""
    a = run.args
    print(render_text(report))
    if a.summary_json:
        with open(a.summary_json, "w") as f:
            json.dump({"label": a.label or "", "info": report.info,
                       "kernels": [report.kern_head] + report.rows,
                       "targets": report.targets}, f, indent=1)
    if a.markdown:
        md = render_markdown(report)
        with open(a.markdown, "w") as f:
            f.write(md)
        progress(f"wrote {a.markdown}")
    return 1 if (a.strict and report.fails) else 0


# --------------------------------------------------------------------------
# Rendering


def text_table(head, rows):
    w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    out = ["  ".join(str(c).ljust(w[i]) for i, c in enumerate(head)).rstrip(),
           "  ".join("-" * x for x in w)]
    for r in rows:
        out.append("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip())
    return "\n".join(out)


def md_table(head, rows):
    esc = lambda c: str(c).replace("|", "\\|")
    out = ["| " + " | ".join(esc(c) for c in head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(esc(c) for c in r) + " |")
    return "\n".join(out)


def render_text(report):
    r = report
    p = ["offload vs numba tutorial", "=" * 25, ""]
    w = max(len(k) for k in r.info)
    p += [f"{k.ljust(w)}  {v}" for k, v in r.info.items()]
    p += ["", "Kernels: " + r.sizes, text_table(r.kern_head, r.rows), ""]
    if r.ceil_rows:
        p += ["Fraction of ceiling (offload's analysis of its fastest run)",
              text_table(["run", "achieved", "ceiling", "fraction"], r.ceil_rows), ""]
    p += ["Whole scoring script, wall time per process (min)",
          text_table(["process", "wall", "runs"], r.script_rows), ""]
    p += ["Targets", text_table(["target", "measured", "required", "result"], r.targets), ""]
    p += ["Checks", text_table(["check", "result", "detail"],
                               [[c, "ok" if ok else "FAILED", d] for c, ok, d in r.checks]), ""]
    p += ["Notes"] + [f"- {n}" for n in r.notes] + [""]
    p += ["Commands run"] + [f"  {c}" for c in r.commands] + [""]
    p += [f"{len(r.targets) - r.fails} of {len(r.targets)} targets pass" +
          (f"; {r.fails} FAIL" if r.fails else "")]
    return "\n".join(p)


def render_markdown(report):
    r = report
    p = [f"## offload vs numba tutorial, {r.info['date (UTC)']} UTC", ""]
    p += [f"- **{k}**: {v}" for k, v in r.info.items()]
    p += ["", "### Kernels", "", r.sizes + ".", "", md_table(r.kern_head, r.rows), ""]
    if r.ceil_rows:
        p += ["### Fraction of ceiling", "",
              md_table(["run", "achieved", "ceiling", "fraction"], r.ceil_rows), ""]
    p += ["### Whole scoring script (wall time per process, min)", "",
          md_table(["process", "wall", "runs"], r.script_rows), ""]
    p += ["### Targets", "",
          md_table(["target", "measured", "required", "result"],
                   [t[:3] + [f"**{t[3]}**"] for t in r.targets]), "",
          f"{len(r.targets) - r.fails} of {len(r.targets)} targets pass.", ""]
    p += ["### Checks", "",
          md_table(["check", "result", "detail"],
                   [[c, "ok" if ok else "**FAILED**", d] for c, ok, d in r.checks]), ""]
    p += ["### Notes", ""] + [f"- {n}" for n in r.notes] + [""]
    p += ["### Commands run", "", "```sh"] + r.commands + ["```", ""]
    return "\n".join(p)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

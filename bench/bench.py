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
# Main


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


def main(argv):
    a = parse_args(argv)
    ensure_numba_python()
    T = a.threads
    # numba reads NUMBA_NUM_THREADS when it is first imported.
    os.environ["NUMBA_NUM_THREADS"] = str(T)
    log = Log()

    offload = find_offload(a.offload)
    if not offload or not os.access(offload, os.X_OK):
        die("bench.py: no offload binary found; build it (bench/run.sh does) or pass "
                 "--offload PATH")
    if not os.path.isfile(a.data):
        die(f"bench.py: no genotype data at {a.data}")

    sys.path.insert(0, HERE)
    t = time.perf_counter()
    import numpy as np
    import numba
    import numba_tutorial as nt
    import_s = time.perf_counter() - t
    numba.set_num_threads(T)

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
    pocl_env = {"POCL_MAX_PTHREAD_COUNT": str(T), "POCL_CPU_MAX_CU_NUM": str(T)}

    def progress(msg):
        print(f"bench: {msg}", file=sys.stderr, flush=True)

    # Ceilings: measured now under the same conditions unless told not to.
    if not a.no_recalibrate:
        cmd = [offload, "calibrate", "--backends", "openmp", "--threads", str(T),
               "--recalibrate"]
        log.add(shell_line(cmd))
        progress("measuring offload's OpenMP ceilings")
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # Inputs and numba warm-up (JIT and first call excluded from the timings).
    x_sqrt = nt.make_sqrt_input(a.sqrt_size)
    x_sum = nt.make_sqrt_input(a.sumsqrt_size)
    ids, matrix, _ = nt.load_genotypes(a.data, a.percent)
    jit = {}
    checks = []
    progress("compiling the numba functions (first calls)")
    for name, fn, arg in (("sqrt", nt.sqrt_numba, x_sqrt),
                          ("sumsqrt", nt.sumsqrt_numba, x_sum),
                          ("scores", nt.scores_numba, matrix)):
        t = time.perf_counter()
        fn(arg)
        jit[name] = time.perf_counter() - t
    info["numba threading layer"] = numba.threading_layer()
    info["numba first calls (JIT)"] = ", ".join(f"{k} {fmt_t(v)}" for k, v in jit.items()) + \
        f"; import {fmt_t(import_s)}"

    # numba correctness, against numpy and (scores) against offload.
    o = nt.sqrt_numba(x_sqrt)
    ref = np.sqrt(x_sqrt).astype(np.float32)
    checks.append(("numba sqrt == float32(numpy sqrt)", bool(np.array_equal(o, ref)), ""))
    o = nt.sumsqrt_numba(x_sum)
    ref = math.fsum(np.sqrt(x_sum))
    err = float(np.max(np.abs(o.astype(np.float64) - ref))) / ref
    checks.append(("numba sumsqrt vs fsum of sqrt (float32 output)", err <= 2 ** -23 * 4,
                   f"largest relative error {err:.2e}"))
    numba_scores = nt.scores_numba(matrix)

    with tempfile.TemporaryDirectory(prefix="offload-bench-") as tmp:
        out_csv = os.path.join(tmp, "scores.csv")
        cmd = [offload, "scores", a.data, "--percent", f"{a.percent:g}", "--threads", str(T),
               "--out", out_csv]
        log.add(shell_line(cmd))
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           universal_newlines=True)
        try:
            with open(out_csv) as f:
                rows = [ln.rstrip("\r\n").rsplit(",", 1) for ln in f][1:]
            same = (len(rows) == len(ids) and
                    all(rid == i and int(s) == int(v)
                        for (rid, s), i, v in zip(rows, ids, numba_scores)))
            diff = sum(1 for (rid, s), v in zip(rows, numba_scores) if int(s) != int(v))
            checks.append(("numba scores == offload scores --out, every row", same,
                           f"{len(rows)} rows, {diff} differ" if not same else
                           f"{len(rows)} rows"))
        except (OSError, ValueError) as e:
            checks.append(("numba scores == offload scores --out, every row", False,
                           f"offload scores failed (exit {r.returncode}): {e}"))

    # ------------------------------------------------------------------
    # Kernels: rounds, alternating order.
    size_args = {
        "sqrt": ["--size", str(a.sqrt_size)],
        "sumsqrt": ["--size", str(a.sumsqrt_size)],
        "scores": ["--data", a.data, "--percent", f"{a.percent:g}"],
    }
    numba_fns = {"sqrt": (nt.sqrt_numba, x_sqrt), "sumsqrt": (nt.sumsqrt_numba, x_sum),
                 "scores": (nt.scores_numba, matrix)}
    variants = {  # label: (extra offload args, extra env)
        "openmp": (["--backend", "openmp"], None),
        "opencl": (["--backend", a.opencl], pocl_env),
        "fast": (["--backend", "openmp", "--algorithm", "fast"], None),
    }
    plan = {"sqrt": ["openmp", "opencl"], "sumsqrt": ["openmp", "opencl", "fast"],
            "scores": ["openmp", "opencl", "fast"]}
    series = {}
    for kern, labels in plan.items():
        fn, arg = numba_fns[kern]
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
                    continue
                s = series[(kern, st)]
                if s.error:
                    continue
                extra, env = variants[st]
                args = ["run", kern] + extra + ["--threads", str(T)] + size_args[kern] + \
                       ["--repeat", str(o_per)]
                try:
                    s.add_offload(run_offload_json(log, offload, args, env))
                except OffloadError as e:
                    s.error = str(e)
    for (kern, lab), s in series.items():
        if lab != "numba":
            checks.append((f"offload {kern} {lab}: result matches serial reference",
                           s.check_ok and not s.error, s.error or ""))

    # ------------------------------------------------------------------
    # Whole scoring script: two processes, alternating, wall time.
    py = sys.executable
    script_cmd = [py, SCRIPT, a.data, "--percent", f"{a.percent:g}", "--timings"]
    script_env = {"NUMBA_NUM_THREADS": str(T)}
    off_cmd = [offload, "scores", a.data, "--percent", f"{a.percent:g}", "--threads", str(T)]
    log.add(shell_line(script_cmd, script_env))
    log.add(shell_line(off_cmd))
    walls = {"numba": [], "offload": []}
    best_lines = {"numba": set(), "offload": set()}
    errors = {}
    parts = {}  # wall -> the numba script's own breakdown (stderr, --timings)
    progress(f"whole script: {a.script_runs} timed runs of each process (after one untimed)")

    def one(which):
        cmd, env = (script_cmd, dict(os.environ, **script_env)) if which == "numba" else \
            (off_cmd, dict(os.environ))
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           universal_newlines=True)
        w = time.perf_counter() - t
        if r.returncode != 0:
            errors[which] = f"exit {r.returncode}: " + " | ".join(r.stderr.strip().splitlines()[-2:])
            return None
        for line in r.stdout.splitlines():
            if line.startswith("The best score"):
                best_lines[which].add(line.strip())
        for line in r.stderr.splitlines():
            if line.startswith("timings_s "):
                kv = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
                parts[w] = kv
        return w

    for which in ("numba", "offload"):  # untimed: page cache, first-run effects
        one(which)
    for k in range(a.script_runs):
        order = ("numba", "offload") if k % 2 == 0 else ("offload", "numba")
        for which in order:
            w = one(which)
            if w is not None:
                walls[which].append(w)
    script_numba = min(walls["numba"]) if walls["numba"] else None
    script_off = min(walls["offload"]) if walls["offload"] else None
    lines_ok = (len(best_lines["numba"]) == 1 and best_lines["numba"] == best_lines["offload"])
    checks.append(("whole script: both print the same best line", lines_ok,
                   " / ".join(sorted(best_lines["numba"] | best_lines["offload"])) or
                   "; ".join(f"{k}: {v}" for k, v in errors.items())))

    # ------------------------------------------------------------------
    # Results
    def mn(kern, lab):
        s = series.get((kern, lab))
        return None if s is None or s.error else s.min

    def analysis(kern, lab):
        s = series.get((kern, lab))
        return (s.result or {}).get("analysis", {}) if s else {}

    an_sqrt = analysis("sqrt", "openmp")
    an_sum = analysis("sumsqrt", "openmp")
    an_scores = analysis("scores", "openmp")
    # The share of the ceiling named in offload's verdict (the roofline's
    # slower limit), as its tables show it.
    frac_sqrt = an_sqrt.get("ceiling_fraction") or None
    frac_sum = ratio(an_sum.get("gops"), an_sum.get("peak_gops"))
    frac_scores = ratio(an_scores.get("gops"), an_scores.get("peak_gops"))

    rows = []  # kernel table
    for kern in ("sqrt", "sumsqrt", "scores"):
        nb, om, cl, fa = (mn(kern, "numba"), mn(kern, "openmp"), mn(kern, "opencl"),
                          mn(kern, "fast"))
        rows.append([kern, fmt_t(nb), fmt_t(om), fmt_x(ratio(nb, om)),
                     fmt_t(cl), fmt_x(ratio(cl, om)),
                     fmt_t(fa) if kern != "sqrt" else "n/a",
                     fmt_x(ratio(nb, fa)) if kern != "sqrt" else "n/a"])
    kern_head = ["kernel", "numba", "offload OpenMP", "numba/OpenMP", "offload OpenCL",
                 "OpenCL/OpenMP", "offload fast", "numba/fast"]
    sizes = (f"sqrt N={a.sqrt_size}, sumsqrt N={a.sumsqrt_size} (naive), scores "
             f"{matrix.shape[0]} markers x {matrix.shape[1]} varieties ({a.percent:g}% of "
             f"{os.path.basename(a.data)}, naive); kernel times, min over repeats")

    ceil_rows = []
    if an_sqrt:
        ceil_rows.append(["sqrt OpenMP", f"{an_sqrt.get('gbps', 0):.2f} GB/s, "
                          f"{an_sqrt.get('gops', 0):.3f} G sqrt/s",
                          f"{an_sqrt.get('peak_gbps', 0):.2f} GB/s (f64->f32 mix), "
                          f"{an_sqrt.get('peak_gops', 0):.3f} G/s (float64 sqrt); verdict "
                          f"{an_sqrt.get('verdict', '?')}",
                          f"{frac_sqrt * 100:.1f}%" if frac_sqrt is not None else "-"])
    if an_sum:
        ceil_rows.append(["sumsqrt naive OpenMP", f"{an_sum.get('gops', 0):.3f} G sqrt/s",
                          f"{an_sum.get('peak_gops', 0):.3f} G sqrt/s (float64 sqrt)",
                          f"{frac_sum * 100:.1f}%" if frac_sum is not None else "-"])
    if an_scores:
        ceil_rows.append(["scores naive OpenMP", f"{an_scores.get('gops', 0):.1f} G compare/s",
                          f"{an_scores.get('peak_gops', 0):.1f} G compare/s (int8 compare)",
                          f"{frac_scores * 100:.1f}%" if frac_scores is not None else "-"])

    def target(name, value, need, ok_fn, shown):
        if value is None:
            return [name, "not measured", need, "FAIL"]
        return [name, shown(value), need, "PASS" if ok_fn(value) else "FAIL"]

    sp = lambda v: fmt_x(v) + " faster"
    pct = lambda v: f"{v * 100:.1f}%"
    targets = [
        target("sqrt: OpenMP vs numba", ratio(mn("sqrt", "numba"), mn("sqrt", "openmp")),
               ">= 4x faster", lambda v: v >= 4.0, sp),
        target("sqrt: OpenMP share of its ceiling (the verdict's limit)", frac_sqrt,
               "90% to 105%", lambda v: 0.90 <= v <= 1.05, pct),
        target("sumsqrt naive: OpenMP vs numba",
               ratio(mn("sumsqrt", "numba"), mn("sumsqrt", "openmp")),
               ">= 3.8x faster", lambda v: v >= 3.8, sp),
        target("sumsqrt naive: OpenMP fraction of float64 sqrt ceiling", frac_sum,
               "90% to 105%", lambda v: 0.90 <= v <= 1.05, pct),
        target("scores naive: OpenMP vs numba",
               ratio(mn("scores", "numba"), mn("scores", "openmp")),
               ">= 25x faster", lambda v: v >= 25.0, sp),
        target("scores naive: OpenMP fraction of int8 compare ceiling", frac_scores,
               "70% to 105%", lambda v: 0.70 <= v <= 1.05, pct),
        target("sqrt: OpenMP kernel time / OpenCL (PoCL)",
               ratio(mn("sqrt", "openmp"), mn("sqrt", "opencl")),
               "<= 1.1x", lambda v: v <= 1.1, lambda v: f"{v:.2f}x"),
        target("sumsqrt naive: OpenMP kernel time / OpenCL (PoCL)",
               ratio(mn("sumsqrt", "openmp"), mn("sumsqrt", "opencl")),
               "<= 1.1x", lambda v: v <= 1.1, lambda v: f"{v:.2f}x"),
        target("scores naive: OpenMP kernel time / OpenCL (PoCL)",
               ratio(mn("scores", "openmp"), mn("scores", "opencl")),
               "<= 1.1x", lambda v: v <= 1.1, lambda v: f"{v:.2f}x"),
        target("whole script: offload scores vs numba script (wall)",
               ratio(script_numba, script_off) if lines_ok else None,
               ">= 50x faster (<= 1/50 of the time)", lambda v: v >= 50.0, sp),
        target("scores fast vs numba naive",
               ratio(mn("scores", "numba"), mn("scores", "fast")),
               ">= 500x faster", lambda v: v >= 500.0, sp),
    ]
    info_sumfast = ratio(mn("sumsqrt", "numba"), mn("sumsqrt", "fast"))

    script_rows = [
        ["numba_scores_script.py (python process)", fmt_t(script_numba),
         f"{len(walls['numba'])} runs" + (f"; {errors['numba']}" if "numba" in errors else "")],
        ["offload scores (process)", fmt_t(script_off),
         f"{len(walls['offload'])} runs" + (f"; {errors['offload']}" if "offload" in errors else "")],
    ]

    notes = []
    for (kern, lab), s in series.items():
        if s.error:
            notes.append(f"offload {kern} {lab} failed: {s.error}")
    if not lines_ok:
        notes.append("the two scoring processes did not print the same single best line, "
                     "so the whole-script target counts as not measured")
    ceil = (series[("sqrt", "openmp")].result or {}).get("ceilings", {})
    if ceil:
        notes.append("offload OpenMP ceilings used: STREAM triad "
                     f"{ceil.get('stream_triad_bytes_per_s', 0) / 1e9:.2f} GB/s, float64 sqrt "
                     f"{ceil.get('sqrt_f64_per_s', 0) / 1e9:.3f} G/s" +
                     (" (from offload's cache, --no-recalibrate)" if a.no_recalibrate else
                      " (measured at the start of this run)"))
    notes.append("numba times include the output allocation inside each function, as the "
                 "tutorial writes them; offload kernel times are its JSON "
                 "results[0].stats_s.kernel.min. Inputs are drawn alike (500 x uniform) "
                 "but by different generators.")
    if info_sumfast is not None:
        notes.append(f"sumsqrt fast vs numba naive (no target): {fmt_x(info_sumfast)} faster")

    kv = parts.get(script_numba)
    if kv:
        try:
            notes.append("numba script's fastest run, by its own clock: import "
                         f"{fmt_t(float(kv['import']))}, read CSV {fmt_t(float(kv['read']))}, "
                         f"JIT + scoring {fmt_t(float(kv['jit_and_score']))} (numba compiles "
                         "in every new process; the tutorial uses no cache)")
        except (KeyError, ValueError):
            pass
    load_end = load_average()
    if load_end:
        info["load average at end"] = " ".join(f"{v:.2f}" for v in load_end) + \
            " (includes this benchmark)"
    if load_start and load_start[0] > 0.25 * (os.cpu_count() or 1):
        notes.insert(0, f"the machine was busy when the run started (1-min load "
                        f"{load_start[0]:.2f} on {os.cpu_count()} cores): other processes "
                        "compete for the same cores, so the figures are noisy; rerun on a "
                        "quiet machine before trusting a PASS or FAIL")
    fails = sum(1 for t in targets if t[3] == "FAIL")
    text = render_text(info, sizes, kern_head, rows, ceil_rows, script_rows, targets, checks,
                       notes, log.commands, fails)
    print(text)
    if a.summary_json:
        with open(a.summary_json, "w") as f:
            json.dump({"label": a.label or "", "info": info, "kernels": [kern_head] + rows,
                       "targets": targets}, f, indent=1)
    if a.markdown:
        md = render_markdown(info, sizes, kern_head, rows, ceil_rows, script_rows, targets,
                             checks, notes, log.commands, fails)
        with open(a.markdown, "w") as f:
            f.write(md)
        progress(f"wrote {a.markdown}")
    return 1 if (a.strict and fails) else 0


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


def render_text(info, sizes, kh, rows, ceil_rows, script_rows, targets, checks, notes,
                commands, fails):
    p = ["offload vs numba tutorial", "=" * 25, ""]
    w = max(len(k) for k in info)
    p += [f"{k.ljust(w)}  {v}" for k, v in info.items()]
    p += ["", "Kernels: " + sizes, text_table(kh, rows), ""]
    if ceil_rows:
        p += ["Fraction of ceiling (offload's analysis of its fastest run)",
              text_table(["run", "achieved", "ceiling", "fraction"], ceil_rows), ""]
    p += ["Whole scoring script, wall time per process (min)",
          text_table(["process", "wall", "runs"], script_rows), ""]
    p += ["Targets", text_table(["target", "measured", "required", "result"], targets), ""]
    p += ["Checks", text_table(["check", "result", "detail"],
                               [[c, "ok" if ok else "FAILED", d] for c, ok, d in checks]), ""]
    p += ["Notes"] + [f"- {n}" for n in notes] + [""]
    p += ["Commands run"] + [f"  {c}" for c in commands] + [""]
    p += [f"{len(targets) - fails} of {len(targets)} targets pass" +
          (f"; {fails} FAIL" if fails else "")]
    return "\n".join(p)


def render_markdown(info, sizes, kh, rows, ceil_rows, script_rows, targets, checks, notes,
                    commands, fails):
    p = [f"## offload vs numba tutorial, {info['date (UTC)']} UTC", ""]
    p += [f"- **{k}**: {v}" for k, v in info.items()]
    p += ["", "### Kernels", "", sizes + ".", "", md_table(kh, rows), ""]
    if ceil_rows:
        p += ["### Fraction of ceiling", "",
              md_table(["run", "achieved", "ceiling", "fraction"], ceil_rows), ""]
    p += ["### Whole scoring script (wall time per process, min)", "",
          md_table(["process", "wall", "runs"], script_rows), ""]
    p += ["### Targets", "",
          md_table(["target", "measured", "required", "result"],
                   [t[:3] + [f"**{t[3]}**"] for t in targets]), "",
          f"{len(targets) - fails} of {len(targets)} targets pass.", ""]
    p += ["### Checks", "",
          md_table(["check", "result", "detail"],
                   [[c, "ok" if ok else "**FAILED**", d] for c, ok, d in checks]), ""]
    p += ["### Notes", ""] + [f"- {n}" for n in notes] + [""]
    p += ["### Commands run", "", "```sh"] + commands + ["```", ""]
    return "\n".join(p)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

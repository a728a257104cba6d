#!/usr/bin/env python3
"""Checks a run across ranks against its own export: the speedup over rank 0
alone that the verdict (and the printed text) states is the ratio of the
exported times, recomputed here; a slower run says so, a busy or
oversubscribed one says so, sqrt is communication-bound with the share of
the time moving data.

Usage: speedup_check.py EXPORT.json TEXT.txt RANKS KERNEL [calibrated|none]"""
import json
import re
import sys


def fail(msg):
    print("speedup_check: " + msg)
    sys.exit(1)


def main(export, text_path, ranks, kernel, link="measured"):
    ranks = int(ranks)
    r = json.load(open(export))["results"][0]
    # The text as one line: wrapped fields joined, label columns dropped.
    text = " ".join(open(text_path).read().split())
    reason = r["analysis"]["reason"]
    if r["ranks"] != ranks:
        fail(f"ranks {r['ranks']}, not {ranks}")
    if link == "none":
        if "baseline_one_rank" in r or "speedup_over_one_rank" in r:
            fail("--no-one-rank still exported a baseline")
        if "no speedup is claimed" not in reason or " give " in reason:
            fail(f"without a baseline the verdict claims a speedup: {reason}")
        return
    base = r["baseline_one_rank"]
    if not base["check_ok"] or base["repeats"] < 1:
        fail(f"baseline {base}")
    total = base["total_s"] / r["stats_s"]["total"]["min"]
    kern = base["kernel_s"] / r["stats_s"]["kernel"]["min"]
    got = r["speedup_over_one_rank"]
    for name, want in (("total", total), ("kernel", kern)):
        if abs(got[name] - want) > 1e-9 * want:
            fail(f"speedup_over_one_rank.{name} {got[name]}, the exported times give {want}")
    if total >= 1:
        sentence = f"{ranks} ranks give {total:.2f}x end to end (kernel {kern:.2f}x) over rank 0 alone measured side by side"
    else:
        sentence = f"{ranks} ranks are {total:.2f}x of rank 0 alone end to end (kernel {kern:.2f}x) measured side by side"
    if sentence not in reason:
        fail(f"the verdict does not say '{sentence}': {reason}")
    if sentence not in text:
        fail(f"the printed text does not say '{sentence}':\n{text}")
    machine = r.get("machine", {})
    if machine.get("busy") and "the machine was busy" not in reason:
        fail(f"a busy machine not said: {reason}")
    if not machine.get("busy") and "the machine was busy" in reason:
        fail(f"busy said of a quiet machine: {reason}")
    if machine.get("cores") and ranks > machine["cores"] and "share this node's" not in reason:
        fail(f"{ranks} ranks on {machine['cores']} cores not said: {reason}")
    if kernel == "sqrt":
        if r["analysis"]["verdict"] != "communication-bound":
            fail(f"sqrt on {ranks} ranks: {r['analysis']['verdict']}: {reason}")
        share = r["link"]["share_of_time"]
        if not re.search(rf"^{100 * share:.0f}% of the time \([^)]*\) is moving [0-9.]+ [kMG]?B between {ranks} ranks", reason):
            fail(f"sqrt: no share of the time moving data ({share}): {reason}")
        if total >= 1:
            fail(f"sqrt on {ranks} ranks {total:.2f}x one rank: faster than the copies allow?")
        if "the copies between ranks cost more than the split work saves" not in reason:
            fail(f"a slower sqrt does not say why: {reason}")
    source = r["link"]["source"]
    if link == "calibrated":
        if source != "calibrated" or "of the link's calibrated" not in reason:
            fail(f"the calibrated link is not used: {source}: {reason}")
    elif source != "measured now" or "calibrated" in reason:
        fail(f"no calibration, yet: {source}: {reason}")


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        fail(__doc__)
    main(*sys.argv[1:])

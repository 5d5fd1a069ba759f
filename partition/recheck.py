"""Analyse finished schedules again with the current checker, without running anything.

  python3 partition/recheck.py <workdir> [--out results.jsonl]

Reads every <workdir>/NNN-kind-i/ that has observed.json (written by the harness) and
writes.json, prints the per-schedule lines and the summary, and optionally the results as JSON
lines.
"""

import argparse
import glob
import json
import os
import sys
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checker                                  # noqa: E402
import harness                                  # noqa: E402
from topology import IPS, NODES                 # noqa: E402


def recheck(sdir):
    obs = json.load(open(os.path.join(sdir, "observed.json")))
    writes = json.load(open(os.path.join(sdir, "writes.json")))["clients"]
    present = {(int(cid), seq) for cid, seqs in obs["present"].items() for seq in seqs}
    faults = [SimpleNamespace(primitive=f["primitive"], target=f["target"],
                              affected=set(f["affected"]), window=f["window"],
                              skipped=f["skipped"]) for f in obs["faults"]]
    events = [tuple(e) for e in obs["events"]]
    roles = [tuple(r) for r in obs["roles"]]
    gaps = [tuple(g) for g in obs["gaps"]]
    names = {IPS[n]: n for n in NODES}
    result = dict(obs["result"])
    result.update(checker.analyse(writes, present, events, roles, faults, obs["t_start"],
                                  obs["t_end"], names))
    harness.verdict(result, roles, gaps, faults, obs["t_start"], obs["t_end"])
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("workdir")
    p.add_argument("--out")
    a = p.parse_args()
    results = []
    for sdir in sorted(glob.glob(os.path.join(a.workdir, "[0-9][0-9][0-9]-*"))):
        if not os.path.exists(os.path.join(sdir, "observed.json")):
            print(f"{sdir}: no observed.json (run before it was saved), skipped")
            continue
        r = recheck(sdir)
        results.append(r)
        print(harness.line(r))
    if results:
        print("\n" + harness.summary(results))
    if a.out:
        with open(a.out, "w") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()

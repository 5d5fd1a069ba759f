"""Compare runs: one table per fault kind, one row per results file.

  python3 partition/report.py /tmp/redis.jsonl /tmp/ours.jsonl ...

Schedules that were run again (disturbed) and schedules still disturbed after the retries are
left out, as in the harness's own summary.
"""

import json
import statistics
import sys


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if "acked" not in r or r.get("retried") or r.get("disturbed"):
                continue
            rows.append(r)
    return rows


def label(path, rows):
    if not rows:
        return path
    r = rows[0]
    parts = [r["impl"]]
    if r.get("min_replicas"):
        parts.append(f"min-replicas {r['min_replicas']}")
    if r.get("wait"):
        parts.append(f"WAIT {r['wait']}")
    if r.get("fencing"):
        parts.append("fencing")
    if r.get("reconnect_ms") == 0:
        parts.append("no churn")
    return ", ".join(parts)


def main():
    runs = [(p, load(p)) for p in sys.argv[1:]]
    kinds = []
    for _, rows in runs:
        for r in rows:
            if r["kind"] not in kinds:
                kinds.append(r["kind"])
    for k in kinds + ["all"]:
        print(f"\n### {k}\n")
        print("| run | schedules | acked | lost | lost % | median lost % per schedule "
              "| two masters (acks) | two masters (roles), mean s | failovers "
              "| double failovers | not converged | mean convergence s |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
        for path, rows in runs:
            rs = [r for r in rows if r["kind"] == k or k == "all"]
            if not rs:
                continue
            acked = sum(r["acked"] for r in rs)
            lost = sum(r["lost"] for r in rs)
            fo = {}
            for r in rs:
                fo[r["failovers"]] = fo.get(r["failovers"], 0) + 1
            print(f"| {label(path, rows)} | {len(rs)} | {acked} | {lost} "
                  f"| {100.0 * lost / acked if acked else 0:.2f} "
                  f"| {statistics.median(r['lost_pct'] for r in rs):.2f} "
                  f"| {sum(1 for r in rs if r['two_masters'])}/{len(rs)} "
                  f"| {sum(1 for r in rs if r['two_masters_role_s'] > 0)}/{len(rs)}, "
                  f"{statistics.mean(r['two_masters_role_s'] for r in rs):.1f} "
                  f"| {', '.join(f'{n}x{c}' for n, c in sorted(fo.items()))} "
                  f"| {sum(1 for r in rs if r['double_failover'])} "
                  f"| {sum(1 for r in rs if not r['converged'])} "
                  f"| {statistics.mean(r['converge_s'] for r in rs):.1f} |")


if __name__ == "__main__":
    main()

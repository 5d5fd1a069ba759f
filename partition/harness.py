"""Partition test harness: entry point (see partition/README.md)."""

import argparse
import glob
import json
import os
import random
import signal
import subprocess
import sys
import time

import checker
import faults
import topology
from cluster import Cluster, Observer, StartError, clock, direct
from topology import CLIENT, DATA_PORT, IPS, NODES, SENTINELS, SENTINEL_PORT

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def parse():
    p = argparse.ArgumentParser(prog="partition/run", description=__doc__)
    p.add_argument("--impl", choices=["ours", "redis"], default="ours")
    p.add_argument("--schedules", type=int, default=None,
                   help="number of schedules in all, cycling over --kinds (default: one per kind)")
    p.add_argument("--kinds", default=",".join(faults.KINDS),
                   help=f"comma list of {','.join(faults.KINDS)}")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--first", type=int, default=0,
                   help="skip the first F schedules of the sequence (to replay one)")
    p.add_argument("--length", type=float, default=20.0, help="seconds of writes per schedule")
    p.add_argument("--clients", type=int, default=12)
    p.add_argument("--reconnect-ms", type=int, default=1000,
                   help="each client drops its connection every 0.5-1.5x this and asks the "
                        "sentinels again (connection churn); 0: keep it until an error")
    p.add_argument("--min-replicas", type=int, default=0)
    p.add_argument("--max-lag", type=int, default=2, help="min-replicas-max-lag, seconds")
    p.add_argument("--wait", type=int, default=0, help="WAIT N after every write")
    p.add_argument("--wait-timeout-ms", type=int, default=200)
    p.add_argument("--fencing", action="store_true", help="ours only: fencing-quorum 3, lease 500 ms")
    p.add_argument("--down-after", type=int, default=1000)
    p.add_argument("--failover-timeout", type=int, default=4000)
    p.add_argument("--converge-timeout", type=float, default=90.0)
    p.add_argument("--retries", type=int, default=2,
                   help="run a schedule again (same plan) when the machine stalled during it")
    p.add_argument("--workdir", default="/tmp/prt7-work")
    p.add_argument("--out", default=None, help="JSON lines, one per schedule")
    a = p.parse_args()
    a.kinds = [k.strip() for k in a.kinds.split(",") if k.strip()]
    for k in a.kinds:
        if k not in faults.KINDS:
            p.error(f"unknown kind {k!r} (kinds: {', '.join(faults.KINDS)})")
    if a.schedules is None:
        a.schedules = len(a.kinds)
    if a.seed is None:
        a.seed = random.randrange(1, 1_000_000)
    if a.fencing and a.impl != "ours":
        p.error("--fencing is a miniredis feature: use it with --impl ours")
    if a.out is None:
        a.out = os.path.join(a.workdir, f"results-{a.impl}-{a.seed}.jsonl")
    return a


def log(msg):
    print(msg, flush=True)


def start_workload(args, sdir, seed):
    cfg = {
        "sentinels": [[IPS[s], SENTINEL_PORT] for s in SENTINELS],
        "clients": args.clients,
        "wait": args.wait,
        "wait_timeout_ms": args.wait_timeout_ms,
        "socket_timeout": 0.5,
        "sentinel_timeout": 0.3,
        "error_sleep": 0.05,
        "reconnect_ms": args.reconnect_ms,
        "seed": seed,
        "out": os.path.join(sdir, "writes.json"),
    }
    path = os.path.join(sdir, "workload.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    err = open(os.path.join(sdir, "workload.err"), "w")
    p = subprocess.Popen(["ip", "netns", "exec", topology.ns(CLIENT), sys.executable,
                          os.path.join(HERE, "workload.py"), path],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
                         start_new_session=True)
    err.close()
    return p, cfg


def read_line(p, expect, timeout):
    import select
    end = clock() + timeout
    while clock() < end:
        r, _, _ = select.select([p.stdout], [], [], 0.2)
        if r:
            line = p.stdout.readline()
            if not line:
                break
            if line.strip() == expect:
                return True
        if p.poll() is not None:
            break
    return False


def converge(cluster, deadline):
    """Wait until every sentinel names the same master M, M says role master, and every other
    node replicates M with the same offset (twice in a row). Returns (M or None, seconds, why)."""
    t0 = clock()
    why = ""
    streak = 0
    while clock() - t0 < deadline:
        m, why = converged_now(cluster)
        if m:
            streak += 1
            if streak >= 2:
                return m, clock() - t0, ""
        else:
            streak = 0
        time.sleep(0.25)
    return None, clock() - t0, why


def converged_now(cluster):
    said = cluster.sentinel_masters()
    vals = set(said.values())
    if len(vals) != 1 or None in vals:
        return None, f"sentinels name {said}"
    m = vals.pop()
    try:
        info = direct(IPS[m], DATA_PORT).info("replication")
    except Exception as e:
        return None, f"{m}: {e}"
    if info.get("role") != "master":
        return None, f"{m} is {info.get('role')}"
    offset = info.get("master_repl_offset")
    for n in NODES:
        if n == m:
            continue
        try:
            i = direct(IPS[n], DATA_PORT).info("replication")
        except Exception as e:
            return None, f"{n}: {e}"
        if i.get("role") != "slave" or i.get("master_host") != IPS[m] \
                or i.get("master_link_status") != "up":
            return None, (f"{n}: role {i.get('role')} master {i.get('master_host')} "
                          f"link {i.get('master_link_status')}")
        if i.get("slave_repl_offset") != offset:
            return None, f"{n}: offset {i.get('slave_repl_offset')} != {offset}"
    return m, ""


def read_final(master, writes):
    """{(client, seq)} of every attempted key present on the master with its value; dbsize."""
    c = direct(IPS[master], DATA_PORT, 10.0)
    keys = []
    for cid, recs in writes.items():
        for r in recs:
            keys.append((int(cid), r[0]))
    present = set()
    for i in range(0, len(keys), 2000):
        chunk = keys[i:i + 2000]
        vals = c.mget([f"w:{cid}:{seq}" for cid, seq in chunk])
        for (cid, seq), v in zip(chunk, vals):
            if v is not None and v.startswith(f"{cid}:{seq}:"):
                present.add((cid, seq))
    return present, c.dbsize()


def run_schedule(args, routes, number, kind, kindex):
    seed_text = f"{args.seed}/{kind}/{kindex}"
    rng = random.Random(seed_text)
    sdir = os.path.join(args.workdir, f"{number:03d}-{kind}-{kindex}")
    plan = faults.plan(kind, rng, args.length)
    routes.heal_all()
    cluster = Cluster(args.impl, REPO, sdir, args, args.seed * 1000 + number)
    flog = []
    result = {"schedule": number, "kind": kind, "kind_index": kindex, "seed": args.seed,
              "impl": args.impl, "min_replicas": args.min_replicas, "wait": args.wait,
              "fencing": args.fencing}
    observer = None
    workload = None
    load = round(os.getloadavg()[0], 1)
    result.update(clients=args.clients, reconnect_ms=args.reconnect_ms)
    try:
        cluster.start()
        cluster.wait_ready()
        observer = Observer()
        observer.start()
        workload, wcfg = start_workload(args, sdir, args.seed * 1000 + number)
        if not read_line(workload, "READY", 20):
            raise StartError("workload never got an acknowledged write from every client:\n"
                             + open(os.path.join(sdir, "workload.err")).read()[-2000:])
        t_start = clock()

        def note(t, text):
            flog.append((round(t - t_start, 2), text))

        steps = []
        applied = []
        for start, primitive, duration, frng in plan:
            f = faults.Fault(primitive, cluster, routes, frng, note)
            applied.append(f)
            steps.append((start, 0, f))
            steps.append((start + duration, 1, f))
        steps.sort(key=lambda s: (s[0], s[1]))
        for at, what, f in steps:
            delay = t_start + at - clock()
            if delay > 0:
                time.sleep(delay)
            now = clock()
            if what == 0:
                f.apply(now)
                f.window = [now, None]
            else:
                f.heal(now)
                f.window[1] = now
        delay = t_start + args.length - clock()
        if delay > 0:
            time.sleep(delay)
        workload.stdin.write("stop\n")
        workload.stdin.flush()
        if not read_line(workload, "DONE", 30):
            raise StartError("workload did not finish")
        t_end = clock()
        writes = json.load(open(wcfg["out"]))["clients"]
        master, took, why = converge(cluster, args.converge_timeout)
        result["converged"] = master is not None
        result["converge_s"] = round(took, 1)
        if master is None:
            result["not_converged"] = why
            master = cluster.current_master(fallback=NODES[0])
        result["final_master"] = master
        try:
            present, dbsize = read_final(master, writes)
        except Exception as e:
            present, dbsize = set(), -1
            result["read_error"] = str(e)
        observer.close()
        names = {IPS[n]: n for n in NODES}
        result.update(checker.analyse(writes, present, observer.events, observer.roles,
                                      applied, t_start, t_end, names))
        result["dbsize"] = dbsize
        result["faults"] = [f"{t}s {text}" for t, text in flog]
        crashed = cluster.crashed()
        result["crashed"] = [f"{n} exit {rc}" for n, rc in crashed]
        result["rate"] = round(result["writes"] / max(0.1, t_end - t_start))
        result["load"] = load
        verdict(result, observer.roles, observer.gaps, applied, t_start, t_end)
        save_observed(sdir, result, t_start, t_end, observer, applied, present)
        return result
    finally:
        if workload is not None and workload.poll() is None:
            try:
                os.kill(workload.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            workload.wait()
        if observer is not None:
            observer.close()
        cluster.stop_all()
        for f in glob.glob(os.path.join(sdir, "*", "*.rdb")):
            os.unlink(f)
        routes.heal_all()


def save_observed(sdir, result, t_start, t_end, observer, applied, present):
    """Everything the checker reads, so recheck.py can analyse the schedule again."""
    per_client = {}
    for cid, seq in present:
        per_client.setdefault(cid, []).append(seq)
    data = {
        "result": result, "t_start": t_start, "t_end": t_end,
        "events": observer.events, "roles": observer.roles, "gaps": observer.gaps,
        "faults": [{"primitive": f.primitive, "target": f.target, "affected": sorted(f.affected),
                    "window": f.window, "skipped": f.skipped} for f in applied],
        "present": {cid: sorted(s) for cid, s in per_client.items()},
    }
    with open(os.path.join(sdir, "observed.json"), "w") as f:
        json.dump(data, f)


def verdict(result, roles, gaps, applied, t_start, t_end):
    """Was the schedule disturbed by the shared machine? Sets stalls, max_gap_s, tilts and
    disturbed (empty when not)."""
    # Observer ROLE polls (300 ms timeout) that timed out on a node no pause fault had
    # stopped: the machine stalled the process; failovers in such schedules may be spurious.
    paused = [(f.target, f.window[0], f.window[1] + 0.5) for f in applied
              if f.primitive == "pause" and not f.skipped]
    result["stalls"] = sum(
        1 for t0, t1, n, role, _ in roles
        if role == "timeout" and t_start <= t0 <= t_end
        and not any(n == pn and a - 0.5 <= t0 <= b for pn, a, b in paused))
    result["max_gap_s"] = round(max([g for t, g in gaps if t >= t_start - 2] + [0.0]), 2)
    result["tilts"] = result["sentinel_events"].get("+tilt", 0)
    why = []
    if result["max_gap_s"] >= 0.5:
        why.append(f"the harness was not scheduled for {result['max_gap_s']} s")
    if result["tilts"]:
        why.append(f"{result['tilts']} sentinel +tilt")
    if result["stalls"] >= 5:
        why.append(f"{result['stalls']} ROLE polls of running nodes timed out")
    result["disturbed"] = "; ".join(why)


def line(r):
    tm = "YES" if r.get("two_masters") else "no"
    if r.get("two_masters"):
        tm += f" ({r['two_masters_acks']} acks over {r['two_masters_span_s']}s, " \
              f"{','.join(r['two_masters_nodes'])})"
    conv = f"conv {r['converge_s']}s" if r.get("converged") else "NOT CONVERGED"
    if r.get("disturbed"):
        conv += f"  DISTURBED ({r['disturbed']}, load {r['load']})"
    s = (f"#{r['schedule']:<3} {r['kind']:<9} acked {r['acked']:>6}  lost {r['lost']:>6} "
         f"({r['lost_pct']:6.2f}%)  unknown {r['unknown']:>4}  failed {r['failed']:>5}  "
         f"2-masters {tm}  role-2m {r['two_masters_role_s']}s  failovers {r['failovers']}  {conv}")
    if r.get("double_failover"):
        s += f"  DOUBLE FAILOVER {r['double_failover']}"
    if r.get("crashed"):
        s += f"  CRASHED {r['crashed']}"
    s += "\n      faults: " + "; ".join(r["faults"])
    if r.get("switches"):
        s += "\n      switches: " + "; ".join(r["switches"])
    if r.get("lost"):
        s += f"\n      lost by node: {r['lost_by']}  acked by node: {r['acked_by']}"
    if not r.get("converged"):
        s += f"\n      not converged: {r.get('not_converged')}"
    return s


def failover_counts(rs):
    """'1x4, 2x1': four schedules with one failover, one with two."""
    n = {}
    for r in rs:
        n[r["failovers"]] = n.get(r["failovers"], 0) + 1
    return ", ".join(f"{k}x{v}" for k, v in sorted(n.items()))


def summary(results):
    kinds = []
    for r in results:
        if r["kind"] not in kinds:
            kinds.append(r["kind"])
    rows = []
    hdr = ("| kind | schedules | acked | lost | lost % | schedules with loss | max lost % "
           "| two masters (acks) | two masters (roles) | failovers | double failovers "
           "| not converged |")
    rows.append(hdr)
    rows.append("|" + "---|" * 12)
    for k in kinds + ["all"]:
        rs = [r for r in results if (r.get("kind") == k or k == "all")
              and not r.get("retried") and not r.get("disturbed")]
        ok = [r for r in rs if "acked" in r]
        if not ok:
            continue
        acked = sum(r["acked"] for r in ok)
        lost = sum(r["lost"] for r in ok)
        rows.append(
            f"| {k} | {len(ok)} | {acked} | {lost} | {100.0 * lost / acked if acked else 0:.2f} "
            f"| {sum(1 for r in ok if r['lost'])} | {max(r['lost_pct'] for r in ok):.2f} "
            f"| {sum(1 for r in ok if r['two_masters'])} "
            f"| {sum(1 for r in ok if r['two_masters_role_s'] > 0)} "
            f"| {failover_counts(ok)} "
            f"| {sum(1 for r in ok if r['double_failover'])} "
            f"| {sum(1 for r in ok if not r['converged'])} |")
    bad = [r for r in results if r.get("disturbed") and not r.get("retried")]
    if bad:
        rows.append(f"\nleft out: {len(bad)} schedule(s) still disturbed after the retries: "
                    + ", ".join(f"#{r['schedule']} {r['kind']}" for r in bad))
    return "\n".join(rows)


def main():
    args = parse()
    if os.geteuid() != 0:
        sys.exit("partition/run needs root (network namespaces)")

    import fcntl
    lock = open(f"/tmp/{topology.PREFIX}.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        sys.exit(f"another partition run holds /tmp/{topology.PREFIX}.lock (one run at a time: "
                 f"they share the namespace names)")

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    os.makedirs(args.workdir, exist_ok=True)
    flags = []
    if args.min_replicas:
        flags.append(f"--min-replicas {args.min_replicas} (max-lag {args.max_lag})")
    if args.wait:
        flags.append(f"--wait {args.wait} ({args.wait_timeout_ms} ms)")
    if args.fencing:
        flags.append("--fencing")
    log(f"partition: impl={args.impl} seed={args.seed} schedules={args.schedules} "
        f"kinds={','.join(args.kinds)} length={args.length}s clients={args.clients} "
        f"down-after={args.down_after} failover-timeout={args.failover_timeout} "
        f"{' '.join(flags)}")
    log(f"replay: partition/run --impl {args.impl} --seed {args.seed} --kinds "
        f"{','.join(args.kinds)} --schedules {args.schedules} ... (--first N to start at N)")
    log(f"results: {args.out}   logs: {args.workdir}/NNN-kind-i/")
    results = []
    try:
        topology.setup()
        routes = topology.Routes()
        with open(args.out, "a") as out:
            for number in range(args.first, args.schedules):
                kind = args.kinds[number % len(args.kinds)]
                kindex = number // len(args.kinds)
                try:
                    for attempt in range(args.retries + 1):
                        try:
                            r = run_schedule(args, routes, number, kind, kindex)
                        except StartError as e:
                            # a node that cannot start will not start next time either; a
                            # cluster slow to get ready (the machine stalled) may
                            if "exited" in str(e) or "not found" in str(e) \
                                    or attempt == args.retries:
                                raise
                            log(f"#{number} {kind}: {e}; running it again")
                            continue
                        r["attempt"] = attempt
                        if not r["disturbed"] or attempt == args.retries:
                            break
                        log(line(r))
                        log(f"#{number} {kind}: disturbed, running it again")
                        r["retried"] = True
                        out.write(json.dumps(r) + "\n")
                except StartError as e:
                    log(f"#{number} {kind}: ERROR: {e}")
                    r = {"schedule": number, "kind": kind, "kind_index": kindex,
                         "seed": args.seed, "impl": args.impl, "error": str(e)}
                    out.write(json.dumps(r) + "\n")
                    out.flush()
                    if "exited" in str(e) or "not found" in str(e):
                        break       # a node that cannot start will not start next time either
                    continue
                results.append(r)
                log(line(r))
                out.write(json.dumps(r) + "\n")
                out.flush()
    except KeyboardInterrupt:
        log("interrupted: cleaning up")
    finally:
        topology.teardown()
    if results:
        log("\n" + summary(results))
    if not results:
        sys.exit(1)


if __name__ == "__main__":
    main()

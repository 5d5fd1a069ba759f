"""What a schedule's records say: loss, two masters, failovers.

Inputs (times are CLOCK_MONOTONIC seconds, shared by every process on the machine):
  writes  {client: [(seq, t_send, t_done, outcome, "ip:port", error)]}   (workload.py)
  present {(client, seq)} keys found on the final master with the value that was written
  events  [(t, sentinel, channel, payload)]                               (Observer)
  roles   [(t_sent, t_received, node, role, master)]                      (Observer)
  faults  [Fault]  with .affected, .target, and start/end times in .window

Loss: an acknowledged write (outcome ok) whose key is not on the final master, after the
cluster converged (every sentinel names one master, every other node replicates it with an
equal offset).

Two masters (from acknowledgements, sound): node X acknowledged writes a and c and node Y != X
acknowledged b with a.t_done < b.t_send and b.t_done < c.t_send: X accepted a write before Y
accepted b and another after, so unless X stopped being master in between, X and Y both accepted
writes as masters at the moment Y accepted b. "X stopped being master in between" is excluded by
splitting X's acknowledgements into tenures: a new tenure starts whenever the observer's role poll
saw X as a replica, or X was killed (restart = new process). The checker reports, per schedule,
whether such a b exists, how many acknowledged writes were accepted that way and the time span
they cover.

Two masters (from roles, observational): the time during which at least two nodes answered ROLE
with "master" at their latest poll (younger than 1 s). A node that does not answer (paused, dead)
does not count.

Failovers: +promoted-slave events (one per failover, from the leader of its epoch); the
+switch-master events are counted too, but a sentinel that was cut off replays every switch it
missed when it catches up, so they are no count of failovers. A "double failover" is a failover away from the
node promoted by the previous failover, less than 10 s after it, while no fault affected that
node: what Redis does sometimes after a kill -9 (the new master is judged down before it had a
chance to answer).
"""

import bisect

OK, FAIL, UNKNOWN = 0, 1, 2
DOUBLE_FAILOVER_WINDOW = 10.0


def node_name(addr, names):
    ip = addr.split(":")[0]
    return names.get(ip, addr)


def analyse(writes, present, events, roles, faults, t_start, t_end, names):
    r = {}
    acked = lost = unknown = failed = unknown_present = 0
    acked_by, lost_by = {}, {}
    lost_first = None
    acks = {}               # node -> [(t_send, t_done)]
    errors = {}
    for cid, recs in writes.items():
        cid = int(cid)
        for seq, t0, t1, outcome, addr, err in recs:
            node = node_name(addr, names) if addr else ""
            if outcome == OK:
                acked += 1
                acked_by[node] = acked_by.get(node, 0) + 1
                acks.setdefault(node, []).append((t0, t1))
                if (cid, seq) not in present:
                    lost += 1
                    lost_by[node] = lost_by.get(node, 0) + 1
                    if lost_first is None or t0 < lost_first:
                        lost_first = t0
            elif outcome == UNKNOWN:
                unknown += 1
                if (cid, seq) in present:
                    unknown_present += 1
                key = err.split(":")[0] if err else "?"
                errors[key] = errors.get(key, 0) + 1
            else:
                failed += 1
                key = err.split(":")[0] if err else "?"
                errors[key] = errors.get(key, 0) + 1
    r.update(writes=acked + unknown + failed, acked=acked, lost=lost,
             lost_pct=round(100.0 * lost / acked, 3) if acked else 0.0,
             unknown=unknown, failed=failed, unknown_present=unknown_present,
             acked_by=acked_by, lost_by=lost_by,
             first_lost_at=round(lost_first - t_start, 2) if lost_first else None,
             errors=dict(sorted(errors.items(), key=lambda kv: -kv[1])[:6]))

    r.update(two_masters_acked(acks, roles, faults, t_start))
    r["two_masters_role_s"] = role_overlap(roles, t_start, t_end)
    r.update(failovers(events, faults, t_start, names))
    return r


def tenure_boundaries(node, roles, faults):
    b = []
    for t0, t1, n, role, _ in roles:
        if n == node and role == "slave":
            b.append((t0, t1))
    for f in faults:
        if f.primitive == "kill" and f.target == node and not f.skipped:
            b.append((f.window[0], f.window[1]))
    b.sort()
    return b


def two_masters_acked(acks, roles, faults, t_start):
    """For each node X and each tenure of X: the window (earliest t_done, latest t_send) inside
    which X certainly accepted writes before and after; any ack by another node entirely inside
    is a write accepted while X was a master too."""
    windows = []    # (lo, hi, X)
    for x, lst in acks.items():
        bounds = tenure_boundaries(x, roles, faults)
        tenures = {}
        for t0, t1 in lst:
            mid = (t0 + t1) / 2
            # tenure index: number of boundaries that ended before this ack's midpoint;
            # acks overlapping a boundary observation are left out (ambiguous)
            i = bisect.bisect_right([e for _, e in bounds], mid)
            if i < len(bounds) and bounds[i][0] <= t1 and t0 <= bounds[i][1]:
                continue
            tenures.setdefault(i, []).append((t0, t1))
        for lst2 in tenures.values():
            lo = min(t1 for _, t1 in lst2)
            hi = max(t0 for t0, _ in lst2)
            if hi > lo:
                windows.append((lo, hi, x))
    inside = []
    pairs = set()
    for y, lst in acks.items():
        for lo, hi, x in windows:
            if x == y:
                continue
            for t0, t1 in lst:
                if t0 > lo and t1 < hi:
                    inside.append((t0, t1))
                    pairs.add(f"{x}+{y}")
    if not inside:
        return {"two_masters": False, "two_masters_acks": 0, "two_masters_span_s": 0.0,
                "two_masters_nodes": []}
    first = min(t0 for t0, _ in inside)
    last = max(t1 for _, t1 in inside)
    return {"two_masters": True, "two_masters_acks": len(inside),
            "two_masters_span_s": round(last - first, 2),
            "two_masters_at": round(first - t_start, 2),
            "two_masters_nodes": sorted(pairs)}


def role_overlap(roles, t_start, t_end, step=0.1, fresh=1.0):
    by_node = {}
    for t0, t1, n, role, _ in sorted(roles, key=lambda r: r[1]):
        by_node.setdefault(n, ([], []))
        by_node[n][0].append(t1)
        by_node[n][1].append(role)
    total = 0.0
    t = t_start
    while t < t_end:
        masters = 0
        for times, rs in by_node.values():
            i = bisect.bisect_right(times, t) - 1
            if i >= 0 and t - times[i] <= fresh and rs[i] == "master":
                masters += 1
        if masters >= 2:
            total += step
        t += step
    return round(total, 1)


def failovers(events, faults, t_start, names):
    """A failover is a +promoted-slave event: the leader of an epoch saw its chosen replica
    report role master (one per failover, from that epoch's leader only). +switch-master events
    are only counted: a sentinel that was cut off replays every switch it missed when it
    catches up, so they do not say how many failovers there were."""
    promotions = []     # (t, old node, new node)
    switch_events = {}
    other = {}
    for t, s, channel, payload in sorted(events):
        if channel in ("+elected-leader", "+failover-end", "+failover-end-for-timeout",
                       "+convert-to-slave", "+fix-slave-config", "+tilt") \
                or channel.startswith("-failover-abort"):
            other[channel] = other.get(channel, 0) + 1
        if channel == "+switch-master":
            switch_events[s] = switch_events.get(s, 0) + 1
        if channel != "+promoted-slave":
            continue
        # slave <ip:port> <ip> <port> @ <master-name> <old-ip> <old-port>
        parts = payload.split()
        new, old = names.get(parts[2], parts[2]), names.get(parts[6], parts[6])
        promotions.append((t, old, new))
    double = []
    for (ta, _, a_new), (tb, b_old, b_new) in zip(promotions, promotions[1:]):
        if b_old != a_new or tb - ta > DOUBLE_FAILOVER_WINDOW:
            continue
        justified = any(a_new in f.affected and f.window[0] <= tb and f.window[1] >= ta - 1
                        for f in faults if not f.skipped)
        if not justified:
            double.append(f"{a_new}->{b_new} {tb - ta:.1f}s after {a_new} was promoted")
    return {"failovers": len(promotions),
            "switch_events": sum(switch_events.values()),
            "switch_events_by_sentinel": switch_events,
            "switches": [f"{round(t - t_start, 2)}s {o}->{n}" for t, o, n in promotions],
            "double_failover": double,
            "sentinel_events": other}

"""Fault schedules: what is done to whom, when, drawn from a seed.

Every fault targets "the master": the node most sentinels name at the moment the fault starts
(asked from the root namespace, which is never partitioned).

  isolate    the master is cut from everyone: the other four data nodes, the five sentinels and
             the clients. Healed after 4-10 s.
  sentinels  the master is cut from the five sentinels only; it still reaches its replicas and
             the clients. Healed after 4-10 s.
  split      minority = {the master, one replica, two sentinels} against majority = {three data
             nodes, three sentinels}; the clients are on neither side (they reach both, as
             clients spread over several hosts would). The sentinel majority (3 = quorum) can fail
             over; the old master keeps a replica, so min-replicas-to-write 1 does not stop it.
             Healed after 4-10 s.
  kill       SIGKILL the master; restart it (same config, no persistence: it comes back empty)
             after 3-9 s.
  pause      SIGSTOP the master, SIGCONT after 1-7 s (the short ones stay under down-after plus
             the failover time, so sometimes nothing should happen).
  mixed      two different faults of the above, the second starting 1-6 s after the first
             (overlapping or not), each on the master of its moment.

Timeline of a schedule (length L = 20 s by default): writes all along; faults start at 3 s
(warm-up); every fault is healed by L-5 s (at least 5 s to settle); then the writes stop and the
checker waits for convergence.
"""

import random
import signal

from topology import CLIENT, NODES, SENTINELS

PRIMITIVES = ["isolate", "sentinels", "split", "kill", "pause"]
KINDS = PRIMITIVES + ["mixed"]

WARMUP = 3.0


def durations(kind, rng):
    if kind == "kill":
        return rng.uniform(3, 9)
    if kind == "pause":
        return rng.uniform(1, 7)
    return rng.uniform(4, 10)


def plan(kind, rng, length):
    """[(start, primitive, duration, rng-for-choices)], all healed by length - 5."""
    last_heal = length - 5.0
    if kind != "mixed":
        d = min(durations(kind, rng), last_heal - WARMUP)
        return [(WARMUP, kind, d, random.Random(rng.random()))]
    a, b = rng.sample(PRIMITIVES, 2)
    d1 = min(durations(a, rng), last_heal - WARMUP)
    start2 = WARMUP + rng.uniform(1, 6)
    d2 = min(durations(b, rng), last_heal - start2)
    return [(WARMUP, a, d1, random.Random(rng.random())),
            (start2, b, d2, random.Random(rng.random()))]


class Fault:
    """One applied primitive: apply() at its start, heal() at its end."""

    def __init__(self, primitive, cluster, routes, rng, log):
        self.primitive = primitive
        self.cluster = cluster
        self.routes = routes
        self.rng = rng
        self.log = log
        self.target = None
        self.affected = set()   # data nodes cut from the sentinel majority / stopped / killed
        self.pairs = None
        self.pid = None
        self.skipped = False

    def skip_if_dead(self, c, t, target, what):
        """A kill or pause of a node that is already dead does nothing; say so."""
        if target not in c.dead:
            return False
        self.skipped = True
        self.log(t, f"{what} {target}: already dead, skipped")
        return True

    def apply(self, t):
        c = self.cluster
        self.target = target = c.current_master(fallback=getattr(c, "last_master", NODES[0]))
        c.last_master = target
        others = [n for n in NODES if n != target]
        p = self.primitive
        if p == "isolate":
            everyone = others + SENTINELS + [CLIENT]
            self.pairs = self.routes.cut([target], everyone)
            self.affected = {target}
            self.log(t, f"isolate {target} from everyone")
        elif p == "sentinels":
            self.pairs = self.routes.cut([target], SENTINELS)
            self.affected = {target}
            self.log(t, f"cut {target} from the sentinels")
        elif p == "split":
            replica = self.rng.choice(others)
            sents = sorted(self.rng.sample(SENTINELS, 2))
            minority = [target, replica] + sents
            majority = [n for n in NODES + SENTINELS if n not in minority]
            self.pairs = self.routes.cut(minority, majority)
            self.affected = {target, replica}
            self.log(t, f"split {'+'.join(minority)} | {'+'.join(majority)}")
        elif p == "kill":
            if self.skip_if_dead(c, t, target, "kill"):
                return
            c.kill(target)
            self.affected = {target}
            self.log(t, f"kill -9 {target}")
        elif p == "pause":
            if self.skip_if_dead(c, t, target, "pause"):
                return
            self.pid = c.procs[target].pid
            c.signal(target, signal.SIGSTOP, self.pid)
            self.affected = {target}
            self.log(t, f"SIGSTOP {target}")

    def heal(self, t):
        if self.skipped:
            return
        p = self.primitive
        if p in ("isolate", "sentinels", "split"):
            self.routes.restore(self.pairs)
            self.log(t, f"heal {p} ({self.target})")
        elif p == "kill":
            self.cluster.restart(self.target)
            self.log(t, f"restart {self.target}")
        elif p == "pause":
            self.cluster.signal(self.target, signal.SIGCONT, self.pid)
            self.log(t, f"SIGCONT {self.target}")

"""The client workload, run inside the clients' network namespace by the harness.

N threads, each a user of redis-py's Sentinel class (`Sentinel(...).master_for(...)`), write
unique keys `w:<client>:<seq>` as fast as they can. Every attempt is recorded once: send time,
completion time, outcome and the data node that answered.

  ok       the SET returned OK (and, with --wait N, WAIT returned >= N): acknowledged
  fail     certainly not applied: no master found / connection refused before sending, or an
           error reply (READONLY, NOREPLICAS, FENCED, MASTERDOWN, ...)
  unknown  sent but the outcome is not known: timeout, connection lost after sending, or WAIT
           returned fewer than N replicas (the SET itself was applied on that node)

With "reconnect_ms" R > 0 a client also drops its connection every 0.5R-1.5R (then asks the
sentinels again on its next write): connection churn, so clients re-resolve the master now and
then instead of sticking to one connection until it fails.

Errors never retry the same write: the thread records the outcome, drops the connection (so the
next write asks the sentinels for the master again: the rediscovery loop), sleeps a little and
goes on with the next key. redis-py's own retries are turned off (Retry(NoBackoff(), 0)) so one
attempt is one record.

Protocol with the harness: reads a JSON config path from argv[1]; prints READY once every
thread has made one acknowledged write; stops on a line on stdin; writes the records as JSON to
the config's "out" path; prints DONE.
"""

import json
import random
import sys
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel, SentinelConnectionPool

OK, FAIL, UNKNOWN = 0, 1, 2


def no_retry():
    return Retry(NoBackoff(), 0)


class Client(threading.Thread):
    def __init__(self, cid, cfg, stop, ready):
        super().__init__(daemon=True)
        self.cid = cid
        self.cfg = cfg
        self.stop = stop
        self.ready = ready
        self.records = []       # (seq, t_send, t_done, outcome, node "ip:port" or "", error)
        self.announced = False

    def run(self):
        cfg = self.cfg
        sentinels = [tuple(a) for a in cfg["sentinels"]]
        # Spread the clients over the sentinels as if they ran on different hosts: client i asks
        # sentinel i first (redis-py then keeps the one that answered first in front).
        k = self.cid % len(sentinels)
        sentinels = sentinels[k:] + sentinels[:k]
        wait_n = cfg["wait"]
        wait_ms = cfg["wait_timeout_ms"]
        timeout = cfg["socket_timeout"] + (wait_ms / 1000.0 if wait_n else 0)
        manager = Sentinel(
            sentinels,
            sentinel_kwargs={"socket_timeout": cfg["sentinel_timeout"],
                             "socket_connect_timeout": cfg["sentinel_timeout"],
                             "retry": no_retry()},
        )
        client = None
        seq = 0
        rnd = random.Random(cfg["seed"] * 1000 + self.cid)
        clock = time.monotonic
        reconnect = cfg["reconnect_ms"] / 1000.0
        next_reconnect = clock() + reconnect * rnd.uniform(0.5, 1.5)
        while not self.stop.is_set():
            seq += 1
            key = f"w:{self.cid}:{seq}"
            value = f"{self.cid}:{seq}:{rnd.getrandbits(32):08x}"
            t0 = clock()
            node = ""
            if reconnect and t0 >= next_reconnect:
                # Connection churn: drop the connection now and then, so the next write asks
                # the sentinels again, as a fleet of application processes opening and closing
                # connections does (pools growing and shrinking, restarts, short-lived workers).
                next_reconnect = t0 + reconnect * rnd.uniform(0.5, 1.5)
                if client is not None:
                    try:
                        client.connection.disconnect()
                    except Exception:
                        pass
            try:
                if client is None:
                    # What master_for("mymaster") builds, with the client pinned to one
                    # connection so WAIT follows its SET and the answering node is known.
                    pool = SentinelConnectionPool(
                        "mymaster", manager, socket_timeout=timeout,
                        socket_connect_timeout=cfg["socket_timeout"], retry=no_retry())
                    client = redis.Redis(connection_pool=pool, single_connection_client=True)
                conn = client.connection
                conn.connect()          # no-op when connected; else asks the sentinels
                node = f"{conn.host}:{conn.port}"
            except Exception as e:      # never sent
                self.records.append((seq, t0, clock(), FAIL, node, short(e)))
                self.pause()
                continue
            try:
                client.set(key, value)
                if wait_n:
                    acked = client.execute_command("WAIT", wait_n, wait_ms)
                    if int(acked) < wait_n:
                        self.records.append((seq, t0, clock(), UNKNOWN, node, f"WAIT {acked}"))
                        continue
                self.records.append((seq, t0, clock(), OK, node, ""))
                if not self.announced:
                    self.announced = True
                    self.ready()
            except redis.exceptions.ResponseError as e:
                # An error reply from a data node: the write was refused. Drop the connection so
                # the next write asks the sentinels again (a user's reaction to -NOREPLICAS,
                # -FENCED, -MASTERDOWN: this node is not a usable master right now).
                self.records.append((seq, t0, clock(), FAIL, node, short(e)))
                try:
                    client.connection.disconnect()
                except Exception:
                    pass
                self.pause()
            except Exception as e:
                # Timeout or connection lost after sending; READONLY also lands here (redis-py
                # turns it into a ConnectionError), but it is a refusal: the write was not applied.
                text = short(e)
                outcome = FAIL if "now a slave" in text or "READONLY" in text else UNKNOWN
                self.records.append((seq, t0, clock(), outcome, node, text))
                try:
                    client.connection.disconnect()
                except Exception:
                    pass
                self.pause()

    def pause(self):
        self.stop.wait(self.cfg["error_sleep"])


def short(e):
    text = f"{type(e).__name__}: {e}"
    return text[:120]


def main():
    cfg = json.load(open(sys.argv[1]))
    stop = threading.Event()
    lock = threading.Lock()
    waiting = [cfg["clients"]]

    def ready():
        with lock:
            waiting[0] -= 1
            if waiting[0] == 0:
                print("READY", flush=True)

    clients = [Client(i, cfg, stop, ready) for i in range(cfg["clients"])]
    for c in clients:
        c.start()
    sys.stdin.readline()
    stop.set()
    for c in clients:
        c.join(timeout=10)
    out = {"clients": {c.cid: c.records for c in clients}}
    with open(cfg["out"], "w") as f:
        json.dump(out, f)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()

"""The processes: five data nodes and five sentinels, their configs, start, kill, pause, and the
observer threads (sentinel events, role polls) that run in the root namespace."""

import hashlib
import os
import shutil
import signal
import subprocess
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from topology import (DATA_PORT, IPS, NODES, SENTINELS, SENTINEL_PORT, ns)

clock = time.monotonic


def no_retry():
    return Retry(NoBackoff(), 0)


def direct(ip, port, timeout=0.5):
    """A plain client from the root namespace (the observer), no retries."""
    return redis.Redis(ip, port, socket_timeout=timeout, socket_connect_timeout=timeout,
                       retry=no_retry(), decode_responses=True)


class StartError(Exception):
    pass


IMPLEMENTATIONS = {
    "redis": {"data": ["redis-server"], "sentinel": ["redis-sentinel"]},
}


def implementation(name, repo):
    if name == "ours":
        return {"data": [os.path.join(repo, ".build/release/miniredis")],
                "sentinel": [os.path.join(repo, ".build/release/sentinel")]}
    return IMPLEMENTATIONS[name]


class Cluster:
    def __init__(self, impl, repo, workdir, opts, seed):
        self.bins = implementation(impl, repo)
        for kind in ("data", "sentinel"):
            exe = self.bins[kind][0]
            if shutil.which(exe) is None and not os.access(exe, os.X_OK):
                raise StartError(f"{exe} not found (ours: swift build -c release --product miniredis"
                                 f" and --product sentinel; redis: apt-get install redis-server"
                                 f" redis-sentinel)")
        self.workdir = workdir
        self.opts = opts
        self.seed = seed
        self.procs = {}         # name -> Popen
        self.dead = set()       # killed and not restarted
        self.myids = {s: hashlib.sha1(f"{seed}:{s}".encode()).hexdigest() for s in SENTINELS}

    # ---- configs -------------------------------------------------------------------------

    def data_conf(self, name):
        d = os.path.join(self.workdir, name)
        lines = [
            f"port {DATA_PORT}",
            "bind 0.0.0.0",
            "protected-mode no",
            f"dir {d}",
            f"logfile {d}/server.log",
            'save ""',
            "appendonly no",
            # Full syncs start at once (Redis's default waits 5 s for more replicas); this only
            # shortens start-up and the resync of a demoted master, no safety property changes.
            "repl-diskless-sync-delay 0",
        ]
        if name != NODES[0]:
            lines.append(f"replicaof {IPS[NODES[0]]} {DATA_PORT}")
        if self.opts.min_replicas:
            lines.append(f"min-replicas-to-write {self.opts.min_replicas}")
            lines.append(f"min-replicas-max-lag {self.opts.max_lag}")
        if self.opts.fencing:
            lines.append("fencing-quorum 3")
            lines.append("fencing-lease-ms 500")
        return d, lines

    def sentinel_conf(self, name):
        d = os.path.join(self.workdir, name)
        master = IPS[NODES[0]]
        lines = [
            f"port {SENTINEL_PORT}",
            "bind 0.0.0.0",
            "protected-mode no",
            f"dir {d}",
            f"logfile {d}/sentinel.log",
            f"sentinel myid {self.myids[name]}",
            f"sentinel monitor mymaster {master} {DATA_PORT} 3",
            f"sentinel down-after-milliseconds mymaster {self.opts.down_after}",
            f"sentinel failover-timeout mymaster {self.opts.failover_timeout}",
            "sentinel parallel-syncs mymaster 1",
        ]
        # Known replicas and peers up front, as a deployment's rewritten config would have them:
        # Redis otherwise needs ~10 s of hellos before every sentinel knows every peer.
        for n in NODES[1:]:
            lines.append(f"sentinel known-replica mymaster {IPS[n]} {DATA_PORT}")
        for s in SENTINELS:
            if s != name:
                lines.append(f"sentinel known-sentinel mymaster {IPS[s]} {SENTINEL_PORT} "
                             f"{self.myids[s]}")
        return d, lines

    def write_conf(self, name):
        d, lines = (self.data_conf if name in NODES else self.sentinel_conf)(name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "node.conf" if name in NODES else "sentinel.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    # ---- processes -----------------------------------------------------------------------

    def spawn(self, name, conf):
        kind = "data" if name in NODES else "sentinel"
        d = os.path.join(self.workdir, name)
        out = open(os.path.join(d, "stdout.log"), "ab")
        p = subprocess.Popen(["ip", "netns", "exec", ns(name)] + self.bins[kind] + [conf],
                             stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True, cwd=d)
        out.close()
        self.procs[name] = p
        self.dead.discard(name)
        return p

    def wait_ping(self, name, deadline=10.0):
        port = DATA_PORT if name in NODES else SENTINEL_PORT
        end = clock() + deadline
        while clock() < end:
            p = self.procs[name]
            if p.poll() is not None:
                raise StartError(f"{name} exited with status {p.returncode} at start-up:\n"
                                 + self.log_tail(name))
            try:
                if direct(IPS[name], port, 0.3).ping():
                    return
            except Exception:
                time.sleep(0.05)
        raise StartError(f"{name} does not answer PING after {deadline} s:\n" + self.log_tail(name))

    def log_tail(self, name, lines=15):
        d = os.path.join(self.workdir, name)
        text = ""
        for f in ("stdout.log", "server.log", "sentinel.log"):
            path = os.path.join(d, f)
            if os.path.exists(path):
                with open(path, errors="replace") as fh:
                    tail = fh.read().splitlines()[-lines:]
                if tail:
                    text += f"  --- {path}\n" + "".join(f"  {l}\n" for l in tail)
        return text

    def start(self):
        if os.path.exists(self.workdir):
            shutil.rmtree(self.workdir)
        os.makedirs(self.workdir)
        for n in NODES:
            self.spawn(n, self.write_conf(n))
        for n in NODES:
            self.wait_ping(n)
        for s in SENTINELS:
            self.spawn(s, self.write_conf(s))
        for s in SENTINELS:
            self.wait_ping(s)

    def wait_ready(self, deadline=40.0):
        """Every sentinel knows the master, 4 replicas (linked) and 4 peers; every replica's link
        is up."""
        end = clock() + deadline
        why = ""
        while clock() < end:
            why = self.not_ready_reason()
            if not why:
                return
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise StartError(f"{name} exited with status {p.returncode}:\n"
                                     + self.log_tail(name))
            time.sleep(0.2)
        raise StartError(f"cluster not ready after {deadline} s: {why}")

    def not_ready_reason(self):
        master = IPS[NODES[0]]
        for s in SENTINELS:
            try:
                c = direct(IPS[s], SENTINEL_PORT)
                m = c.execute_command("SENTINEL", "MASTER", "mymaster")
                m = dict(zip(m[::2], m[1::2])) if isinstance(m, list) else m
                if m["ip"] != master or "s_down" in m["flags"]:
                    return f"{s}: master {m['ip']} {m['flags']}"
                if int(m["num-slaves"]) != 4 or int(m["num-other-sentinels"]) != 4:
                    return f"{s}: {m['num-slaves']} replicas, {m['num-other-sentinels']} peers"
                if not talked(m):
                    return f"{s}: no INFO/PING reply from the master yet"
                for r in c.execute_command("SENTINEL", "REPLICAS", "mymaster"):
                    r = dict(zip(r[::2], r[1::2])) if isinstance(r, list) else r
                    if not talked(r) or r.get("master-link-status") != "ok":
                        return f"{s}: replica {r['name']} {r['flags']}"
                for p in c.execute_command("SENTINEL", "SENTINELS", "mymaster"):
                    p = dict(zip(p[::2], p[1::2])) if isinstance(p, list) else p
                    if not talked(p, info=False):
                        return f"{s}: peer {p['ip']} {p['flags']}"
            except Exception as e:
                return f"{s}: {e}"
        for n in NODES[1:]:
            try:
                info = direct(IPS[n], DATA_PORT).info("replication")
                if info.get("master_link_status") != "up":
                    return f"{n}: link {info.get('master_link_status')}"
            except Exception as e:
                return f"{n}: {e}"
        return ""

    def kill(self, name):
        p = self.procs[name]
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        self.dead.add(name)

    def restart(self, name):
        conf = os.path.join(self.workdir, name, "node.conf" if name in NODES else "sentinel.conf")
        self.spawn(name, conf)

    def signal(self, name, sig, pid=None):
        pid = pid or self.procs[name].pid
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def crashed(self):
        """Processes that exited on their own (not killed by a fault)."""
        out = []
        for name, p in self.procs.items():
            if name not in self.dead and p.poll() is not None:
                out.append((name, p.returncode))
        return out

    def stop_all(self):
        for name, p in self.procs.items():
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGCONT)
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for p in self.procs.values():
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.procs.clear()
        self.dead.clear()

    # ---- views ---------------------------------------------------------------------------

    def sentinel_masters(self):
        """What each sentinel answers to get-master-addr-by-name: {sentinel: node name or None}."""
        out = {}
        for s in SENTINELS:
            try:
                a = direct(IPS[s], SENTINEL_PORT, 0.3).execute_command(
                    "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")
                out[s] = node_of(a[0]) if a else None
            except Exception:
                out[s] = None
        return out

    def current_master(self, fallback=None):
        votes = {}
        for n in self.sentinel_masters().values():
            if n:
                votes[n] = votes.get(n, 0) + 1
        if not votes:
            return fallback
        best = max(votes.items(), key=lambda kv: kv[1])
        return best[0]


def talked(m, info=True):
    """The sentinel has a live link to this instance: a recent PING reply (and INFO)."""
    if "s_down" in m["flags"] or "disconnected" in m["flags"]:
        return False
    if int(m.get("last-ok-ping-reply", 10**9)) > 2000:
        return False
    return not info or int(m.get("info-refresh", 10**9)) < 11000


def node_of(ip):
    for n in NODES:
        if IPS[n] == ip:
            return n
    return ip


class Observer:
    """Root-namespace threads: PSUBSCRIBE * on every sentinel, ROLE on every data node every
    200 ms. The observer is never partitioned (the bridge address is never cut)."""

    def __init__(self):
        self.stop = threading.Event()
        self.events = []        # (t, sentinel, channel, payload)
        self.roles = []         # (t_sent, t_received, node, role, master-name-or-"")
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.listen, args=(s,), daemon=True)
                        for s in SENTINELS]
        self.threads += [threading.Thread(target=self.poll, args=(n,), daemon=True)
                         for n in NODES]
        self.threads.append(threading.Thread(target=self.heartbeat, daemon=True))
        self.gaps = []          # (t, seconds a 50 ms sleep overran by), when over 100 ms

    def start(self):
        for t in self.threads:
            t.start()

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=3)

    def listen(self, s):
        while not self.stop.is_set():
            ps = None
            try:
                c = redis.Redis(IPS[s], SENTINEL_PORT, socket_timeout=2, socket_connect_timeout=1,
                                retry=no_retry(), decode_responses=True)
                ps = c.pubsub(ignore_subscribe_messages=True)
                ps.psubscribe("*")
                while not self.stop.is_set():
                    m = ps.get_message(timeout=0.2)
                    if m and m.get("type") == "pmessage" and m["channel"] != "__sentinel__:hello":
                        with self.lock:
                            self.events.append((clock(), s, m["channel"], m["data"]))
            except Exception:
                self.stop.wait(0.2)
            finally:
                if ps is not None:
                    try:
                        ps.close()
                    except Exception:
                        pass

    def heartbeat(self):
        """The machine is shared: a process that is not scheduled for a second looks dead to
        the sentinels. Sleep 50 ms at a time and note every overrun over 100 ms."""
        while not self.stop.is_set():
            t0 = clock()
            time.sleep(0.05)
            over = clock() - t0 - 0.05
            if over > 0.1:
                with self.lock:
                    self.gaps.append((t0, over))

    def poll(self, n):
        c = direct(IPS[n], DATA_PORT, 0.3)
        while not self.stop.is_set():
            t0 = clock()
            try:
                r = c.execute_command("ROLE")
                role = r[0]
                master = node_of(r[1]) if role == "slave" else ""
            except redis.exceptions.TimeoutError:
                role, master = "timeout", ""
            except Exception:
                role, master = "down", ""
            with self.lock:
                self.roles.append((t0, clock(), n, role, master))
            self.stop.wait(max(0.0, 0.2 - (clock() - t0)))

"""Network namespaces, a bridge and routes: the partition harness's network.

Every process runs in its own namespace (five data nodes, five sentinels) and the clients in one
more; each namespace has one veth pair to a bridge in the root namespace. The bridge itself has
an address (OBSERVER_IP) so the harness, running in the root namespace, can reach every process
directly: it is the omniscient observer (role polls, sentinel events, final reads) and is never
partitioned. Partitions are `ip route add unreachable <peer>/32` inside the namespaces, on both
sides, so they are symmetric and fail fast (EHOSTUNREACH) rather than by timeout.
"""

import subprocess

PREFIX = "prt7"                 # namespaces prt7-n1.., veths prt7n1.., bridge prt7br
BRIDGE = PREFIX + "br"
SUBNET = "10.77.0"
OBSERVER_IP = SUBNET + ".254"

NODES = ["n1", "n2", "n3", "n4", "n5"]          # data nodes
SENTINELS = ["s1", "s2", "s3", "s4", "s5"]      # sentinels
CLIENT = "c"                                    # the workload's namespace
ALL = NODES + SENTINELS + [CLIENT]

IPS = {}
for i, n in enumerate(NODES):
    IPS[n] = f"{SUBNET}.{11 + i}"
for i, s in enumerate(SENTINELS):
    IPS[s] = f"{SUBNET}.{21 + i}"
IPS[CLIENT] = f"{SUBNET}.100"
NAME_BY_IP = {ip: name for name, ip in IPS.items()}

DATA_PORT = 6379
SENTINEL_PORT = 26379


def ns(name):
    return f"{PREFIX}-{name}"


def sh(args, check=True, input=None):
    r = subprocess.run(args, input=input, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip() or r.stdout.strip()}")
    return r


def existing_namespaces():
    out = sh(["ip", "netns", "list"], check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(PREFIX + "-")]


def pids_in(namespace):
    out = sh(["ip", "netns", "pids", namespace], check=False).stdout
    return [int(p) for p in out.split() if p.isdigit()]


def teardown(log=print):
    """Remove everything this harness may have created: processes inside our namespaces
    (SIGKILL by pid, as listed by `ip netns pids`), the namespaces, the veths, the bridge."""
    import os
    import signal
    for namespace in existing_namespaces():
        for pid in pids_in(namespace):
            try:
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for namespace in existing_namespaces():
        sh(["ip", "netns", "del", namespace], check=False)
    links = sh(["ip", "-br", "link"], check=False).stdout
    for line in links.splitlines():
        name = line.split()[0].split("@")[0]
        if name.startswith(PREFIX):
            sh(["ip", "link", "del", name], check=False)


def setup():
    teardown()
    sh(["ip", "link", "add", BRIDGE, "type", "bridge"])
    sh(["ip", "addr", "add", f"{OBSERVER_IP}/24", "dev", BRIDGE])
    sh(["ip", "link", "set", BRIDGE, "up"])
    for name in ALL:
        n = ns(name)
        veth = PREFIX + name
        sh(["ip", "netns", "add", n])
        sh(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", n])
        sh(["ip", "link", "set", veth, "master", BRIDGE])
        sh(["ip", "link", "set", veth, "up"])
        sh(["ip", "-n", n, "addr", "add", f"{IPS[name]}/24", "dev", "eth0"])
        sh(["ip", "-n", n, "link", "set", "eth0", "up"])
        sh(["ip", "-n", n, "link", "set", "lo", "up"])


class Routes:
    """Symmetric partitions as reference-counted unreachable routes, so overlapping faults
    (mixed schedules) can be applied and healed independently."""

    def __init__(self):
        self.count = {}     # (namespace name, peer name) -> number of faults wanting it

    def _batch(self, name, verb, peers):
        if not peers:
            return
        lines = "".join(f"route {verb} unreachable {IPS[p]}/32\n" for p in peers)
        sh(["ip", "-n", ns(name), "-batch", "-"], input=lines)

    def cut(self, side_a, side_b):
        """Cut every member of side_a from every member of side_b (both directions).
        Returns the list of (x, y) pairs, to pass to restore()."""
        pairs = []
        for a in side_a:
            for b in side_b:
                if a != b:
                    pairs += [(a, b), (b, a)]
        add = {}
        for p in pairs:
            self.count[p] = self.count.get(p, 0) + 1
            if self.count[p] == 1:
                add.setdefault(p[0], []).append(p[1])
        for name, peers in add.items():
            self._batch(name, "add", peers)
        return pairs

    def restore(self, pairs):
        remove = {}
        for p in pairs:
            self.count[p] -= 1
            if self.count[p] == 0:
                del self.count[p]
                remove.setdefault(p[0], []).append(p[1])
        for name, peers in remove.items():
            self._batch(name, "del", peers)

    def heal_all(self):
        self.count.clear()
        for name in ALL:
            sh(["ip", "-n", ns(name), "route", "flush", "type", "unreachable"], check=False)

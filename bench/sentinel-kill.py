# The measuring half of bench/sentinel-kill: waits until the sentinels are ready, reads their CPU
# and RSS over a quiet watch, kills every master at once and times the +switch-master events.
# Prints one line: first median last all-switched count kill-cpu-ms quiet-cpu-ms max-rss-mb
# (times in ms from the kill; -1 where nothing was seen).
import os, select, signal, socket, sys, time

killed, watched, down, quiet, hz = (int(a) for a in sys.argv[1:6])
pidfile = sys.argv[6]
ports = [int(p) for p in sys.argv[7].split(",")]
spids = [int(p) for p in sys.argv[8].split(",")]


class Conn:
    def __init__(self, port):
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.05)
        self.buf = b""

    def fill(self):
        d = self.s.recv(1 << 16)
        if not d:
            raise EOFError
        self.buf += d

    def complete(self):
        """True if the buffer holds one whole reply (so value() will not block)."""
        pos = [0]

        def skip():
            end = self.buf.find(b"\r\n", pos[0])
            if end < 0:
                return False
            t, rest = self.buf[pos[0]:pos[0] + 1], self.buf[pos[0] + 1:end]
            pos[0] = end + 2
            if t == b"$":
                k = int(rest)
                if k >= 0:
                    if len(self.buf) < pos[0] + k + 2:
                        return False
                    pos[0] += k + 2
            elif t in (b"*", b"%", b">"):
                k = int(rest)
                for _ in range(max(k, 0) * (2 if t == b"%" else 1)):
                    if not skip():
                        return False
            return True

        return skip()

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def value(self):
        l = self.line()
        t, rest = l[:1], l[1:]
        if t in (b"+", b"-", b":"):
            return rest.decode()
        if t == b"$":
            k = int(rest)
            if k < 0:
                return None
            while len(self.buf) < k + 2:
                self.fill()
            v, self.buf = self.buf[:k], self.buf[k + 2:]
            return v.decode()
        if t in (b"*", b"%", b">"):
            k = int(rest)
            return [self.value() for _ in range(k * (2 if t == b"%" else 1))] if k >= 0 else None
        raise ValueError(l)

    def send(self, *args):
        self.s.sendall(b"*%d\r\n" % len(args) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in args))

    def call(self, *args):
        self.send(*args)
        return self.value()


def fields(entry):
    return dict(zip(entry[::2], entry[1::2]))


def healthy(d):
    flags = d.get("flags", "x")
    return "disconnected" not in flags and "s_down" not in flags


def ready(c):
    """Every killed master has a linked replica and, with several sentinels, all its peers."""
    for i in range(killed):
        c.send("SENTINEL", "REPLICAS", "m%d" % i)
        if len(ports) > 1:
            c.send("SENTINEL", "SENTINELS", "m%d" % i)
    ok = True
    for i in range(killed):
        reps = c.value()
        if not (isinstance(reps, list) and any(
                healthy(fields(r)) and fields(r).get("master-link-status") == "ok" for r in reps)):
            ok = False
        if len(ports) > 1:
            peers = c.value()
            if not (isinstance(peers, list) and sum(healthy(fields(p)) for p in peers) == len(ports) - 1):
                ok = False
    return ok


def ticks():
    total = 0
    for pid in spids:
        f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        total += int(f[11]) + int(f[12])
    return total


def rss_mb():
    worst = 0
    for pid in spids:
        for l in open("/proc/%d/status" % pid):
            if l.startswith("VmRSS:"):
                worst = max(worst, int(l.split()[1]) // 1024)
    return worst


conns = [Conn(p) for p in ports]
deadline = time.time() + 300
while not all(ready(c) for c in conns):
    if time.time() > deadline:
        print("-1 -1 -1 -1 0 -1 -1 -1")
        sys.exit(0)
    time.sleep(0.5)

quiet_cpu, rss = -1, -1
if quiet > 0:
    t = ticks()
    time.sleep(quiet)
    quiet_cpu = (ticks() - t) * 1000 // hz
    rss = rss_mb()

subs = [Conn(p) for p in ports]
for s in subs:
    s.call("SUBSCRIBE", "+switch-master")
pids = [int(p) for p in open(pidfile).read().split()]
t0cpu = ticks()
t0 = time.monotonic()
for p in pids:
    os.kill(p, signal.SIGKILL)
first, reporters, everyone = {}, {}, {}
end = t0 + max(60, down * 20 / 1000)
while len(everyone) < killed and time.monotonic() < end:
    readable, _, _ = select.select([s.s for s in subs], [], [], 0.5)
    now = (time.monotonic() - t0) * 1000
    for k, s in enumerate(subs):
        if s.s not in readable:
            continue
        s.fill()
        while s.complete():
            m = s.value()
            if isinstance(m, list) and len(m) == 3 and m[0] == "message":
                name = m[2].split(" ")[0]
                first.setdefault(name, now)
                reporters.setdefault(name, set()).add(k)
                if len(reporters[name]) == len(subs):
                    everyone.setdefault(name, now)
cpu = (ticks() - t0cpu) * 1000 // hz
ts = sorted(first.values())
last_all = int(max(everyone.values())) if len(everyone) == killed else -1
if not ts:
    print("-1 -1 -1 -1 0 %d %d %d" % (cpu, quiet_cpu, rss))
else:
    print("%d %d %d %d %d %d %d %d" % (ts[0], ts[len(ts) // 2], ts[-1], last_all, len(ts), cpu, quiet_cpu, rss))

#!/usr/bin/env python3
"""Prints Sources/ACL/ACLCatalogData.swift's table from a running redis-server's COMMAND INFO:
every command's (and subcommand's) ACL categories and key specs. Facts read off the real server,
so ACL rules mean what they mean there (and a rule naming a command miniredis does not serve,
such as +script|kill in Redis's documented sentinel user, is still accepted).

    redis-server --port 7901 --save '' &
    tools/acl-catalog-from-redis.py 7901 > Sources/ACL/ACLCatalogData.swift

Tests/EndToEndTests/ACLCatalogParityTests compares the table with redis-server again in CI."""
import sys, redis

def connect(port):
    conn = redis.Connection(port=int(port), protocol=2)  # raw replies: redis-py's COMMAND parsing drops fields
    def run(*args):
        conn.send_command(*args)
        return conn.read_response()
    return run

real = connect(sys.argv[1])
names = sorted(n.decode() for n in real("COMMAND", "LIST"))

def pairs(flat):
    if isinstance(flat, dict):
        return {dec(k): v for k, v in flat.items()}
    return {flat[i].decode() if isinstance(flat[i], bytes) else flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}

def dec(x):
    return x.decode() if isinstance(x, bytes) else str(x)

def keyspec(ks):
    k = pairs(ks)
    flags = ",".join(dec(f) for f in k["flags"])
    b = pairs(k["begin_search"]); bs = pairs(b["spec"])
    if dec(b["type"]) == "index":
        begin = f"index {bs['index']}"
    elif dec(b["type"]) == "keyword":
        begin = f"keyword {dec(bs['keyword'])} {bs['startfrom']}"
    else:
        begin = "unknown"
    f = pairs(k["find_keys"]); fs = pairs(f["spec"])
    if dec(f["type"]) == "range":
        find = f"range {fs['lastkey']} {fs['keystep']} {fs['limit']}"
    elif dec(f["type"]) == "keynum":
        find = f"keynum {fs['keynumidx']} {fs['firstkey']} {fs['keystep']}"
    else:
        find = "unknown"
    return f"{begin} {find} {flags}"

def line(info):
    name = dec(info[0])
    cats = " ".join(dec(c)[1:] for c in info[6])
    specs = "; ".join(keyspec(s) for s in info[8])
    return f'        "{name} {cats}' + (f' | {specs}' if specs else "") + '",'

rows = []
for n in names:
    info = real("COMMAND", "INFO", n)[0]
    if info is None:
        continue
    rows.append(line(info))
    for sub in info[9] or []:
        rows.append(line(sub))

print("""/// Each command's ACL categories and key specs as redis-server 7.0.15's COMMAND INFO gives
/// them, for every command Redis has (subcommands as `container|sub`). Read off the
/// real server by tools/acl-catalog-from-redis.py; ACLCatalogParityTests compares it with
/// redis-server again. Format: `name category... [| keyspec; keyspec...]`, a key spec being
/// `index N` or `keyword WORD FROM`, then `range LAST STEP LIMIT` or `keynum IDX FIRST STEP`,
/// then its flags.
extension ACLCatalog {
    static let redisCommandLines: [String] = [""")
print("\n".join(rows))
print("""    ]
}""")

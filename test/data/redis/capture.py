#!/usr/bin/env python3
# Captures the redis-7.0-* fixtures of this folder from real redis-server processes on 127.0.0.1.
#
# Usage: python3 test/data/redis/capture.py [output-dir]   (default: this script's folder)
# Needs redis-server (Debian bookworm ships 7.0). Every server it starts is SIGKILLed at the end.
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
WORK = tempfile.mkdtemp(prefix="rdr-capture-")
PROCS = []


def check(reply):
    if reply != "OK":
        raise RuntimeError("unexpected reply %r" % reply)
    return reply


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def read_reply(f):
    """Reads one RESP2 reply; returns (raw bytes, value)."""
    line = f.readline()
    raw = line
    kind, body = line[:1], line[1:-2]
    if kind in (b"+", b"-"):
        return raw, body.decode()
    if kind == b":":
        return raw, int(body)
    if kind == b"$":
        n = int(body)
        if n < 0:
            return raw, None
        data = f.read(n + 2)
        return raw + data, data[:-2].decode()
    if kind == b"*":
        n = int(body)
        items = []
        for _ in range(max(n, 0)):
            r, v = read_reply(f)
            raw += r
            items.append(v)
        return raw, items
    raise RuntimeError("bad reply %r" % line)


def call(port, *args, raw=False):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(encode(*args))
        f = s.makefile("rb")
        r, v = read_reply(f)
        return r if raw else v


def start(port, *extra):
    d = os.path.join(WORK, str(port))
    os.makedirs(d)
    p = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", d,
                          "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0",
                          *extra],
                         stdout=open(os.path.join(d, "log"), "w"), stderr=subprocess.STDOUT)
    PROCS.append(p)
    wait(lambda: ping(port))
    return p


def ping(port):
    try:
        return call(port, "PING") == "PONG"
    except OSError:
        return False


def wait(cond, timeout=20.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise RuntimeError("timed out waiting for " + what)


def field(port, section, name):
    for line in call(port, "INFO", section).splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    return None


def save(name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print("wrote", name)


def main():
    m, r1, r2, r3 = (free_port() for _ in range(4))
    start(m, "--min-replicas-to-write", "1", "--repl-diskless-sync", "no",
          "--enable-debug-command", "local")
    start(r1)
    start(r2)
    start(r3)
    for r in (r1, r2):
        call(r, "REPLICAOF", "127.0.0.1", str(m))
    for r in (r1, r2):
        wait(lambda r=r: field(r, "replication", "master_link_status") == "up", what="link up")
    for i in range(100):
        call(m, "SET", "key:%d" % i, "value-%d" % i)
    target = field(m, "replication", "master_repl_offset")
    for r in (r1, r2):
        wait(lambda r=r: field(r, "replication", "slave_repl_offset") == target, what="offsets")
    wait(lambda: call(m, "INFO", "replication").count("offset=%s," % target) == 2, what="acks")

    save("redis-7.0-master-2-replicas.info", call(m, "INFO", "replication"))
    save("redis-7.0-master.stats", call(m, "INFO", "stats"))
    save("redis-7.0-replica-online.info", call(r1, "INFO", "replication"))
    save("redis-7.0-master.role.resp", call(m, "ROLE", raw=True))
    save("redis-7.0-replica-online.role.resp", call(r1, "ROLE", raw=True))

    # A third replica mid full sync: a large dataset written slowly to disk before the transfer.
    check(call(m, "DEBUG", "POPULATE", "200000", "bulk", "64"))
    check(call(m, "CONFIG", "SET", "rdb-key-save-delay", "100"))
    call(r3, "REPLICAOF", "127.0.0.1", str(m))
    wait(lambda: field(r3, "replication", "master_sync_in_progress") == "1", what="sync start")
    time.sleep(0.5)  # let the transfer state settle; the save takes ~20 s
    save("redis-7.0-replica-full-sync.info", call(r3, "INFO", "replication"))
    save("redis-7.0-replica-full-sync.role.resp", call(r3, "ROLE", raw=True))
    save("redis-7.0-master-3-replicas-one-syncing.info", call(m, "INFO", "replication"))
    call(r3, "REPLICAOF", "NO", "ONE")
    call(m, "CONFIG", "SET", "rdb-key-save-delay", "0")

    # Promote r1, re-point r2 at it: a partial resync, master_replid2 = the old replid.
    call(r1, "REPLICAOF", "NO", "ONE")
    call(r2, "REPLICAOF", "127.0.0.1", str(r1))
    wait(lambda: field(r2, "replication", "master_link_status") == "up", what="r2 link up")
    wait(lambda: "state=online" in call(r1, "INFO", "replication"), what="r2 online")
    save("redis-7.0-promoted-master.info", call(r1, "INFO", "replication"))
    save("redis-7.0-promoted-master.stats", call(r1, "INFO", "stats"))

    # Kill r1: r2's link goes down.
    PROCS[1].send_signal(signal.SIGKILL)
    PROCS[1].wait()
    wait(lambda: field(r2, "replication", "master_link_status") == "down", what="link down")
    time.sleep(1.5)
    save("redis-7.0-replica-link-down.info", call(r2, "INFO", "replication"))
    save("redis-7.0-replica-link-down.role.resp", call(r2, "ROLE", raw=True))
    save("redis-7.0-replica-link-down.all", call(r2, "INFO"))

    # A sentinel watching m: ROLE answers ["sentinel", [names]].
    s = free_port()
    conf = os.path.join(WORK, "sentinel.conf")
    with open(conf, "w") as f:
        f.write("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor cache 127.0.0.1 %d 1\n"
                % (s, WORK, m))
    PROCS.append(subprocess.Popen(["redis-server", conf, "--sentinel"],
                                  stdout=open(os.path.join(WORK, "sentinel.log"), "w"),
                                  stderr=subprocess.STDOUT))
    wait(lambda: ping(s), what="sentinel")
    save("redis-7.0-sentinel.role.resp", call(s, "ROLE", raw=True))


try:
    main()
finally:
    for p in PROCS:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
    shutil.rmtree(WORK, ignore_errors=True)

"""A Dask client kept for the next command-line calls, as ssh's ControlPersist keeps a connection.

Importing Dask's client and connecting take about a second (``import distributed`` alone 0.65-1.1 s
on our 2-core VM; more on a cluster's shared filesystem): longer than a search of a sharded index
takes. So a command-line call with ``--cluster ADDRESS`` that has to connect in its own process also
starts a *kept client*: a process of the same user (running ``newsgrep.cluster.keep.main``) holding one
Dask client connected to that scheduler and listening on a Unix socket, in a folder only this user
can enter. The next calls with the same scheduler, Python, newsgrep code and Dask settings send it
their rounds of shard tasks (the function and its arguments, pickled) and get back the results, or
the error the round ended with; they do not import Dask at all.

The kept client exits after ``$NEWSGREP_CLUSTER_KEEP`` seconds (default 600; 0 keeps none) without a
call, as soon as its scheduler is gone, or when killed. A call that finds it gone, or loses it in the
middle of a round, runs that round over a connection of its own: shard tasks only read, so a round
run twice answers the same. Writing (``index``, ``remove``) always runs in the calling process.

This module imports neither Dask nor Whoosh: the caller's side of it is on every kept call's path.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import select
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgrep.cluster import Abandoned
from newsgrep.errors import NewsgrepError

if TYPE_CHECKING:
    import subprocess

_HEADER = struct.Struct("!Q")
_MAX_SOCKET_PATH = 100  # sun_path holds 104 (macOS) or 108 (Linux) bytes
_STARTED: list[subprocess.Popen[bytes]] = []  # held, so that no ResourceWarning is given for them
_WARNED: set[str] = set()


def keep_seconds(environ: Mapping[str, str] = os.environ) -> float:
    """How long a kept client waits for its next call: $NEWSGREP_CLUSTER_KEEP, in seconds."""
    from newsgrep.settings import cluster_keep

    return cluster_keep(environ)


def _warn(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"newsgrep: warning: {message}", file=sys.stderr)


def folder() -> Path | None:
    """This user's private folder for kept clients' sockets; None where there can be none (no Unix
    sockets, or a folder that others could enter: said once on stderr)."""
    if not hasattr(socket, "AF_UNIX") or not hasattr(os, "getuid"):
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        base = Path(runtime) / "newsgrep"
    else:
        import tempfile

        base = Path(tempfile.gettempdir()) / f"newsgrep-{os.getuid()}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(base)
    except OSError as exc:
        _warn(f"no Dask client is kept between calls: cannot make {base} ({exc.strerror})")
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        _warn(f"no Dask client is kept between calls: {base} is not a folder of this user's alone "
              "(mode 700)")
        return None
    return base


def _code_stamp() -> bytes:
    """What tells one installation of newsgrep's code from another: its files' paths, sizes and
    modification times (a kept client must run the code its callers run)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(str(root).encode())
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in sorted(entries, key=lambda e: e.name):
                if e.is_dir(follow_symlinks=False) and e.name != "__pycache__":
                    stack.append(e.path)
                elif e.name.endswith(".py"):
                    st = e.stat()
                    h.update(f"{e.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.digest()


def key(address: str) -> str:
    """The name of the kept client for this scheduler, Python, newsgrep code and Dask settings."""
    h = hashlib.sha256(_code_stamp())
    settings = sorted(f"{k}={v}" for k, v in os.environ.items()
                      if k.startswith(("DASK_", "NEWSGREP_CLUSTER_")) and k != "NEWSGREP_CLUSTER_KEEP")
    for part in (address, os.path.realpath(sys.executable), sys.prefix, *settings):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()[:20]


def _paths(base: Path, name: str) -> tuple[Path, Path, Path]:
    return base / f"{name}.sock", base / f"{name}.lock", base / f"{name}.log"


# --- the wire: an 8-byte length, then a pickle ------------------------------------------------

def _send(sock: socket.socket, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int) -> bytearray:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            raise EOFError("the other side hung up")
        got += k
    return buf


def _recv(sock: socket.socket) -> Any:
    (n,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
    return pickle.loads(_recv_exactly(sock, n))


# --- the caller's side -------------------------------------------------------------------------

class Kept:
    """The rounds of a command, sent to a kept client; a round it cannot answer is run over a
    connection of this process's own (``newsgrep.cluster.connect``)."""

    def __init__(self, address: str, sock: socket.socket) -> None:
        self.address = address
        self.sock: socket.socket | None = sock

    def map(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        """Run each call as a task on the cluster; return the results in order."""
        if self.sock is not None:
            try:
                _send(self.sock, (fn, calls))
                status, value = _recv(self.sock)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, struct.error):
                status, value = "gone", None
            if status == "ok":
                return list(value)
            if status == "error" and isinstance(value, NewsgrepError):
                raise value
            if status == "bug":
                raise RuntimeError(str(value))
            self.close()
        from newsgrep.cluster import connect

        return connect(self.address).map(fn, calls)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def reach(address: str) -> Kept | None:
    """The kept client of this scheduler, if one answers."""
    base = folder()
    return None if base is None else _reach(address, _paths(base, key(address))[0])


def _reach(address: str, sock_path: Path) -> Kept | None:
    if len(str(sock_path)) > _MAX_SOCKET_PATH or not sock_path.exists():
        return None
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(str(sock_path))
    except OSError:  # gone (refused: a socket left by a killed one)
        s.close()
        return None
    from newsgrep.cluster import TASK_TIMEOUT

    s.settimeout(TASK_TIMEOUT + 60)  # a kept client that hangs is one that is gone
    return Kept(address, s)


def start(address: str, seconds: float) -> None:
    """Start a kept client for this scheduler, unless one answers already; it outlives this process."""
    base = folder()
    if base is None or seconds <= 0:
        return
    name = key(address)
    sock_path, _, log = _paths(base, name)
    if len(str(sock_path)) > _MAX_SOCKET_PATH:
        _warn(f"no Dask client is kept between calls: {sock_path} is too long a socket path "
              "(set XDG_RUNTIME_DIR or TMPDIR to a shorter folder)")
        return
    kept = _reach(address, sock_path)
    if kept is not None:
        kept.close()
        return
    import subprocess

    # it runs in / (holding no folder of the caller's), and finds newsgrep where this process did
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep) if p)
    code = (f"import sys; sys.path.append({str(Path(__file__).resolve().parents[2])!r}); "
            "from newsgrep.cluster.keep import main; sys.exit(main(sys.argv[1:]))")
    with open(log, "wb") as err:
        _STARTED.append(subprocess.Popen(
            [sys.executable, "-c", code, address, repr(seconds), name],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd="/", env=env,
            start_new_session=True, close_fds=True))


# --- the kept client ---------------------------------------------------------------------------

class Keeper:
    """The kept client: answers the rounds its callers send over the socket with ``cluster``'s
    ``map`` (a Cluster), until ``seconds`` pass without a call or the cluster's client stops."""

    def __init__(self, cluster: Any, seconds: float) -> None:
        self.cluster = cluster
        self.seconds = seconds
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()  # its callers' connections, open
        self.last = time.monotonic()

    @property
    def active(self) -> int:
        return len(self.connections)

    def running(self) -> bool:
        return str(getattr(self.cluster.client, "status", "")) == "running"

    def idle(self) -> bool:
        with self.lock:
            return not self.connections and time.monotonic() - self.last >= self.seconds

    def serve(self, sock_path: Path) -> None:
        tmp = sock_path.with_name(f"{sock_path.name}.{os.getpid()}")
        tmp.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(tmp))
        os.chmod(tmp, 0o600)
        server.listen(64)
        os.replace(tmp, sock_path)
        mine = os.stat(sock_path).st_ino
        server.settimeout(0.5)
        try:
            while self.running() and not self.idle():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                conn.settimeout(None)
                with self.lock:
                    self.connections.add(conn)
                threading.Thread(target=self.session, args=(conn,), daemon=True).start()
        finally:
            try:
                if os.stat(sock_path).st_ino == mine:
                    sock_path.unlink()
            except OSError:
                pass
            server.close()
            with self.lock:  # its callers run their rounds themselves from now on
                for conn in self.connections:
                    try:
                        conn.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def session(self, conn: socket.socket) -> None:
        try:
            if hasattr(socket, "SO_PEERCRED"):
                _, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                struct.calcsize("3i")))
                if uid != os.getuid():
                    return
            while True:
                try:
                    fn, calls = _recv(conn)
                except (OSError, EOFError):
                    return
                try:
                    reply: tuple[str, Any] = ("ok", self.cluster.map(fn, calls, abandon=lambda: _hung_up(conn)))
                except Abandoned:
                    return
                except NewsgrepError as exc:
                    reply = ("error", exc) if self.running() else ("gone", None)
                except Exception as exc:  # a bug: the caller reports it as one
                    reply = ("bug", f"{type(exc).__name__}: {exc}")
                try:
                    _send(conn, reply)
                except OSError:
                    return
                with self.lock:
                    self.last = time.monotonic()
        finally:
            conn.close()
            with self.lock:
                self.connections.discard(conn)
                self.last = time.monotonic()


def _hung_up(conn: socket.socket) -> bool:
    """Whether the caller has closed its end (it sends nothing while it waits for an answer)."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def main(argv: Sequence[str]) -> int:
    """``python -m newsgrep.cluster.keep ADDRESS SECONDS NAME``: keep a client until idle (``start``
    runs this with ``-c``, so that the process finds newsgrep as its caller did)."""
    import fcntl
    import signal

    address, seconds, name = argv[0], float(argv[1]), argv[2]
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(0))  # and the socket is removed on the way out
    base = folder()
    if base is None:
        return 2
    sock_path, lock_path, _ = _paths(base, name)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another one keeps this scheduler's client
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    # importing Dask takes a second of CPU: not while the call that started this one still runs
    caller, until = os.getppid(), time.monotonic() + 5
    while os.getppid() == caller and time.monotonic() < until:
        time.sleep(0.02)
    import newsgrep.index.search.shards  # noqa: F401  (what the rounds' functions unpickle to)
    from newsgrep.cluster import connect

    try:
        cluster = connect(address)
    except NewsgrepError as exc:
        print(f"newsgrep: error: {exc}", file=sys.stderr)
        return 2
    try:
        cluster.place_servers()  # ready by the next call
        Keeper(cluster, seconds).serve(sock_path)
    finally:
        cluster.client.close(timeout=5)
    return 0


if __name__ == "__main__":
    from newsgrep.cluster.keep import main as keep_main  # this module's one copy, not __main__'s

    sys.exit(keep_main(sys.argv[1:]))

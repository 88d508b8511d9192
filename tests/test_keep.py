"""The kept Dask client (newsgrep.cluster.keep), without Dask: a Keeper serving a stand-in cluster
in a thread of this process, reached over its Unix socket as a command-line call reaches it. The
same with a real scheduler and workers is in test_cluster.py."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import newsgrep.cluster
from conftest import newsgrep_process
from newsgrep.cluster import Abandoned
from newsgrep.cluster import keep as kept_module
from newsgrep.cluster.keep import Keeper, keep_seconds, key, reach
from newsgrep.errors import NewsgrepError, UsageError

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="kept clients need Unix sockets")
ADDRESS = "tcp://192.0.2.7:8786"


def shout(word: str, times: int) -> str:
    """A round's function: pickled by reference, as newsgrep's shard functions are."""
    return word.upper() * times


def refuse(word: str) -> str:
    raise UsageError(f"no {word} here")


def crash(word: str) -> str:
    raise ValueError(f"bad {word}")


class Client:
    status = "running"


class StandIn:
    """What a Keeper needs of a Cluster: ``map`` with ``abandon``, and a client with a status."""

    def __init__(self) -> None:
        self.client = Client()
        self.rounds: list[tuple[str, int]] = []
        self.abandoned = threading.Event()
        self.hold = threading.Event()

    def map(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]],
            abandon: Callable[[], bool] | None = None) -> list[Any]:
        self.rounds.append((fn.__name__, len(calls)))
        if calls and calls[0] == ("wait",):
            while not self.hold.wait(0.05):
                if abandon is not None and abandon():
                    self.abandoned.set()
                    raise Abandoned()
        return [fn(*args) for args in calls]


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A runtime folder of its own (short: a socket's path has at most about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="ng-run-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setattr(kept_module, "_WARNED", set())
    yield folder / "newsgrep"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def keeper(runtime: Path) -> Iterator[tuple[StandIn, Keeper, threading.Thread, Path]]:
    cluster = StandIn()
    k = Keeper(cluster, seconds=60)
    base = kept_module.folder()
    assert base == runtime and stat.S_IMODE(base.stat().st_mode) == 0o700
    sock_path = base / f"{key(ADDRESS)}.sock"
    t = threading.Thread(target=k.serve, args=(sock_path,), daemon=True)
    t.start()
    until = time.monotonic() + 10
    while not sock_path.exists():
        assert time.monotonic() < until, "the kept client never listened"
        time.sleep(0.01)
    yield cluster, k, t, sock_path
    cluster.client.status = "closed"
    cluster.hold.set()
    t.join(timeout=10)


def test_rounds_go_to_the_kept_client_and_come_back(keeper: tuple[StandIn, Keeper, threading.Thread, Path]) -> None:
    cluster, _, _, sock_path = keeper
    assert stat.S_IMODE(os.lstat(sock_path).st_mode) == 0o600
    kept = reach(ADDRESS)
    assert kept is not None
    assert kept.map(shout, [("ab", 2), ("c", 3)]) == ["ABAB", "CCC"]
    assert kept.map(shout, []) == []  # the same connection, a second round
    assert cluster.rounds == [("shout", 2), ("shout", 0)]
    kept.close()
    assert reach("tcp://192.0.2.7:8787") is None  # another scheduler: another kept client, none yet


def test_a_rounds_error_is_raised_again_as_it_was(keeper: tuple[StandIn, Keeper, threading.Thread, Path]) -> None:
    kept = reach(ADDRESS)
    assert kept is not None
    with pytest.raises(UsageError, match="^no coffee here$"):
        kept.map(refuse, [("coffee",)])
    with pytest.raises(RuntimeError, match="^ValueError: bad tea$"):  # a bug stays a bug
        kept.map(crash, [("tea",)])
    assert kept.map(shout, [("ok", 1)]) == ["OK"]  # and the connection still serves


def test_callers_at_once_each_get_their_own_answers(keeper: tuple[StandIn, Keeper, threading.Thread, Path]) -> None:
    answers: dict[int, list[Any]] = {}

    def call(n: int) -> None:
        kept = reach(ADDRESS)
        assert kept is not None
        answers[n] = [kept.map(shout, [(f"w{n}", r)]) for r in range(1, 20)]
        kept.close()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert answers == {n: [[f"W{n}" * r] for r in range(1, 20)] for n in range(6)}


def test_a_caller_that_hangs_up_has_its_round_abandoned(keeper: tuple[StandIn, Keeper, threading.Thread, Path]) -> None:
    cluster, k, _, sock_path = keeper
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(str(sock_path))
    kept_module._send(s, (shout, [("wait",)]))
    time.sleep(0.2)
    s.close()  # Ctrl-C in the calling command
    assert cluster.abandoned.wait(10)
    until = time.monotonic() + 10
    while k.active:
        assert time.monotonic() < until
        time.sleep(0.01)


def test_a_kept_client_gone_mid_call_leaves_the_round_to_this_process(
        keeper: tuple[StandIn, Keeper, threading.Thread, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    cluster, _, thread, sock_path = keeper
    here = StandIn()
    monkeypatch.setattr(newsgrep.cluster, "connect", lambda address: here)
    kept = reach(ADDRESS)
    assert kept is not None
    cluster.client.status = "closed"  # its scheduler is gone: it stops listening
    thread.join(timeout=10)
    assert not thread.is_alive() and not sock_path.exists()
    assert kept.map(shout, [("x", 2)]) == ["XX"]
    assert here.rounds == [("shout", 1)] and kept.sock is None
    assert reach(ADDRESS) is None


def test_an_idle_kept_client_exits_and_removes_its_socket(runtime: Path) -> None:
    cluster = StandIn()
    base = kept_module.folder()
    assert base is not None
    sock_path = base / f"{key(ADDRESS)}.sock"
    started = time.monotonic()
    Keeper(cluster, seconds=0.5).serve(sock_path)
    assert 0.5 <= time.monotonic() - started < 5 and not sock_path.exists()


def test_a_socket_left_by_a_killed_kept_client_is_not_reached(runtime: Path) -> None:
    base = kept_module.folder()
    assert base is not None
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(str(base / f"{key(ADDRESS)}.sock"))
    left.close()  # bound, never listening: connecting is refused
    assert reach(ADDRESS) is None


def test_a_folder_others_can_enter_is_not_used(runtime: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runtime.mkdir(mode=0o755)
    os.chmod(runtime, 0o755)
    assert kept_module.folder() is None and reach(ADDRESS) is None
    kept_module.start(ADDRESS, 60)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a folder of this user's alone" in err
    assert list(runtime.iterdir()) == []


def test_the_kept_client_is_one_per_scheduler_python_code_and_dask_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", raising=False)
    a = key(ADDRESS)
    assert key(ADDRESS) == a and key("tcp://192.0.2.7:8787") != a
    monkeypatch.setenv("NEWSGREP_CLUSTER_KEEP", "5")  # how long to keep: not a setting of the client
    assert key(ADDRESS) == a
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "3s")
    assert key(ADDRESS) != a


@pytest.mark.parametrize(("raw", "seconds"), [("", 600.0), ("0", 0.0), ("30", 30.0), (" 2.5 ", 2.5)])
def test_how_long_a_client_is_kept(raw: str, seconds: float) -> None:
    assert keep_seconds({"NEWSGREP_CLUSTER_KEEP": raw}) == seconds


@pytest.mark.subprocess
@pytest.mark.parametrize("raw", ["abc", "-1", "inf", "nan", "10m"])
def test_a_bad_keep_time_is_one_error_line(raw: str, tmp_path: Path) -> None:
    with pytest.raises(NewsgrepError, match="NEWSGREP_CLUSTER_KEEP must be a number of seconds"):
        keep_seconds({"NEWSGREP_CLUSTER_KEEP": raw})
    p = newsgrep_process("search", "x", "--index", str(tmp_path / "ix"), "--cluster", ADDRESS, timeout=60,
                         env={"NEWSGREP_CLUSTER_KEEP": raw}, status=2)
    assert p.out == "" and p.err.count("\n") == 1
    assert "NEWSGREP_CLUSTER_KEEP must be a number of seconds" in p.err


@pytest.mark.subprocess
def test_cluster_without_dask_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--cluster where Dask's distributed is not installed: exit 2 and one line naming the extra;
    the garbage collector, paused while Dask would load, is running again."""
    import gc

    hidden = tmp_path / "no-dask"
    (hidden / "distributed").mkdir(parents=True)
    (hidden / "distributed" / "__init__.py").write_text("raise ImportError('no Dask here')\n")
    env = {"PYTHONPATH": str(hidden), "NEWSGREP_CLUSTER_KEEP": "0"}
    p = newsgrep_process("index", str(Path(__file__).parent.parent / "corpus"), "--index", str(tmp_path / "ix"),
                         "--shards", "2", "--cluster", ADDRESS, timeout=60, env=env, status=2)
    assert p.out == "" and p.err.count("\n") == 1, p.err
    assert "pip install 'newsgrep[cluster]'" in p.err
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    assert gc.isenabled()
    with pytest.raises(UsageError, match=r"pip install 'newsgrep\[cluster\]'"):
        newsgrep.cluster.connect(ADDRESS)
    assert gc.isenabled()

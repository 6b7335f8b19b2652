"""Real services for the tests that need them, started on loopback and stopped afterwards.

A redis-server of the test's own (so it can be paused with SIGSTOP), moto's S3 server, a TCP proxy that
can cut a database off, and waiting for a port or a URL to answer. Nothing here reaches another host.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=20.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process meant to listen on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def wait_for_url(url, timeout=30.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def stop(process, timeout=10):
    if process is None or process.poll() is not None:
        return
    try:
        os.kill(process.pid, signal.SIGCONT)  # a paused process cannot act on SIGTERM
    except ProcessLookupError:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def redis_server_path():
    return shutil.which("redis-server")


@contextmanager
def redis_server():
    """A throwaway redis-server on a free port (no persistence). Yields (process, url)."""
    executable = redis_server_path()
    if executable is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process=process)
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


@contextmanager
def paused(process):
    """SIGSTOP a process: it keeps its socket open and never answers, like a hung server."""
    os.kill(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)


@contextmanager
def moto_s3_server():
    """moto's standalone S3-compatible server (PyPI moto[server]) on a free port. Yields its URL."""
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_for_port(port, timeout=30, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection and refuses new ones.

    Stands in front of PostgreSQL so a test can take the database away from app servers and give it back,
    as a restart or a failover does, without touching the real server.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener = None
        self._connections = set()
        self._lock = threading.Lock()
        self._open = False

    def start(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(64)
        self._open = True
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()
        return self

    def cut(self):
        """Close the listening socket (new connections are refused) and every open connection."""
        with self._lock:
            self._open = False
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for connection in list(self._connections):
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._connections.clear()

    def _accept(self, listener):
        while self._open:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if not self._open:  # cut while this connection was being made
                    client.close()
                    upstream.close()
                    return
                self._connections.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._connections.discard(source)
                self._connections.discard(sink)

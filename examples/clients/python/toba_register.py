"""A parent's client for toba-register: one file, standard library only (Python 3.9+).

Copy this file into your project. It spawns the sidecar, pipelines JSON-RPC calls over its
stdin/stdout (answers are matched by id, so any number of calls may be in flight), turns error
objects into exceptions, starts a new sidecar when the old one died, and shuts down cleanly.

    from toba_register import Sidecar, Unauthenticated

    with Sidecar(["/usr/local/bin/toba-register", "serve", "--db", "/var/lib/toba/toba.sqlite"]) as sidecar:
        session = sidecar.call("auth.login", {"email": "siti@example.com", "password": "..."})
        futures = [sidecar.submit("auth.verify", {"token": t}) for t in tokens]    # pipelined
        users = [f.result() for f in futures]
        try:
            sidecar.call("auth.verify", {"token": "forged"})
        except Unauthenticated as error:
            print(error.code, error.reason)                                   # 1001 invalid_token

From asyncio: ``await sidecar.acall("auth.verify", {"token": token})``.

Threads: ``submit``/``call`` may be used from any number of threads. One reader thread per child
resolves the futures; callbacks added with ``Future.add_done_callback`` run on it, so keep them
short. Restart: a call made after the child died (crash, kill, ``system.shutdown``) spawns a new
one; calls in flight when it died fail with ``SidecarCrashed`` and are not sent again (the
sidecar may have applied them: retry only what is safe to repeat, e.g. with an idempotencyKey).
A ``:memory:`` database dies with its child; use a file if the data must survive a restart.
"""

import asyncio
import itertools
import json
import logging
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future, InvalidStateError

__all__ = [
    "Sidecar", "SidecarError", "SidecarCrashed", "SidecarClosed", "RPCError", "ParseError",
    "InvalidRequest", "MethodNotFound", "InvalidParams", "InternalError", "ValidationFailed",
    "Unauthenticated", "Forbidden", "NotFound", "Conflict", "RateLimited", "ExpiredOrNotValidNow",
    "NotConfigured", "Unavailable", "error_from_object",
]

logger = logging.getLogger("toba_register")


class SidecarError(Exception):
    """Base class of every exception this module raises."""


class SidecarCrashed(SidecarError):
    """The child exited (or could not be started) before answering this call."""

    def __init__(self, method, exit_code, stderr_tail):
        detail = f"; its last words on stderr:\n{stderr_tail}" if stderr_tail else ""
        super().__init__(f"toba-register exited with status {exit_code} before answering {method}{detail}")
        self.method = method
        self.exit_code = exit_code
        self.stderr_tail = stderr_tail


class SidecarClosed(SidecarError):
    """A call made after ``close()``."""


class RPCError(SidecarError):
    """An error object the sidecar answered with (protocol/errors.md lists every reason)."""

    code = None

    def __init__(self, error):
        data = error.get("data") if isinstance(error.get("data"), dict) else {}
        self.error = error
        self.code = error.get("code")
        self.message = error.get("message", "")
        self.data = data
        self.reason = data.get("reason")
        self.field = data.get("field")
        self.permission = data.get("permission")
        self.retry_after_seconds = data.get("retryAfterSeconds")
        where = f" ({self.field})" if self.field else ""
        super().__init__(f"{self.code} {self.message}: {self.reason}{where}")


class ParseError(RPCError):
    code = -32700


class InvalidRequest(RPCError):
    code = -32600


class MethodNotFound(RPCError):
    code = -32601


class InvalidParams(RPCError):
    code = -32602


class InternalError(RPCError):
    code = -32603


class ValidationFailed(RPCError):
    code = 1000


class Unauthenticated(RPCError):
    code = 1001


class Forbidden(RPCError):
    code = 1002


class NotFound(RPCError):
    code = 1003


class Conflict(RPCError):
    code = 1004


class RateLimited(RPCError):
    """Carries ``retry_after_seconds``."""

    code = 1005


class ExpiredOrNotValidNow(RPCError):
    code = 1006


class NotConfigured(RPCError):
    code = 1007


class Unavailable(RPCError):
    """Storage busy, full or failing; the request had no effect and may be retried
    (after ``retry_after_seconds`` when given)."""

    code = 1008


_CLASSES = {cls.code: cls for cls in RPCError.__subclasses__()}


def error_from_object(error):
    """The exception for a JSON-RPC error object: its class is chosen by ``code``."""
    return _CLASSES.get(error.get("code"), RPCError)(error)


class _Child:
    """One running sidecar process and the calls waiting for its answers."""

    def __init__(self, argv, env, cwd, on_stderr):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=cwd)
        self.pending = {}            # id -> (method, Future); guarded by Sidecar._lock
        self.alive = True            # False once stdout reached EOF; guarded by Sidecar._lock
        self.stderr_tail = deque(maxlen=20)
        self.write_lock = threading.Lock()
        self.on_stderr = on_stderr
        self.stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self.stderr_thread.start()

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.stderr_tail.append(line)
            self.on_stderr(line)

    def send(self, line):
        with self.write_lock:
            self.proc.stdin.write(line)
            self.proc.stdin.flush()


class Sidecar:
    """A toba-register child process and the calls made to it.

    argv: the binary and its arguments, e.g. ``["toba-register", "serve", "--db", "toba.sqlite"]``.
    on_stderr: called with each line the sidecar logs (default: copied to this process's stderr).
    shutdown_timeout: seconds ``close()`` waits for a clean exit before killing the child.
    A binary that cannot be started raises what ``subprocess.Popen`` raises (``FileNotFoundError``,
    ``PermissionError``); one that starts and exits at once (a bad option) fails the first call
    with ``SidecarCrashed``, whose ``stderr_tail`` holds its message.
    """

    def __init__(self, argv, *, env=None, cwd=None, on_stderr=None, shutdown_timeout=10.0):
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.on_stderr = on_stderr or (lambda line: print(line, file=sys.stderr, flush=True))
        self.shutdown_timeout = shutdown_timeout
        self.restarts = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False
        self._child = None
        with self._lock:
            self._child = self._spawn()

    # Calls

    def submit(self, method, params=None):
        """Sends a request now and returns a ``concurrent.futures.Future`` of its result."""
        future = Future()
        with self._lock:
            if self._closed:
                raise SidecarClosed(f"{method}: the sidecar was closed")
            child = self._live_child()
            request_id = next(self._ids)
            child.pending[request_id] = (method, future)
        request = {"jsonrpc": "2.0", "method": method, "id": request_id}
        if params is not None:
            request["params"] = params
        try:
            child.send((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
        except (BrokenPipeError, ValueError, OSError):
            # The child died under us: the reader fails this call (and every other in flight)
            # once it sees EOF; the next call starts a new child.
            pass
        return future

    def call(self, method, params=None, timeout=None):
        """Sends a request and waits for its result; raises an ``RPCError`` subclass on error."""
        return self.submit(method, params).result(timeout)

    async def acall(self, method, params=None):
        """``call`` for asyncio code."""
        return await asyncio.wrap_future(self.submit(method, params))

    def notify(self, method, params=None):
        """A notification: run by the sidecar, never answered."""
        request = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            request["params"] = params
        with self._lock:
            if self._closed:
                raise SidecarClosed(f"{method}: the sidecar was closed")
            child = self._live_child()
        child.send((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))

    @property
    def pid(self):
        """The process id of the current child."""
        with self._lock:
            return self._child.proc.pid

    # Lifecycle

    def close(self, timeout=None):
        """Closes the child's stdin (it finishes every request it read, answers them and exits),
        waits for it, and kills it after ``timeout`` seconds (default ``shutdown_timeout``).
        Returns its exit status."""
        with self._lock:
            self._closed = True
            child = self._child
        try:
            child.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            status = child.proc.wait(self.shutdown_timeout if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            logger.warning("toba-register did not exit in time; killing it")
            child.proc.kill()
            status = child.proc.wait()
        child.reader.join()
        return status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # Internals

    def _live_child(self):
        """The current child, or a new one if it died (called with the lock held)."""
        if not self._child.alive or self._child.proc.poll() is not None:
            self.restarts += 1
            logger.warning("toba-register exited (status %s); starting a new one", self._child.proc.poll())
            self._child = self._spawn()
        return self._child

    def _spawn(self):
        child = _Child(self.argv, self.env, self.cwd, self.on_stderr)
        child.reader = threading.Thread(target=self._read, args=(child,), daemon=True)
        child.reader.start()
        return child

    def _read(self, child):
        for line in child.proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                logger.error("toba-register wrote a line that is not JSON: %r", line[:200])
                continue
            for answer in message if isinstance(message, list) else [message]:
                with self._lock:
                    slot = child.pending.pop(answer.get("id"), None)
                if slot is None:
                    logger.error("an answer matching no call: %s", answer)
                    continue
                _, future = slot
                if "error" in answer:
                    _settle(future.set_exception, error_from_object(answer["error"]))
                else:
                    _settle(future.set_result, answer.get("result"))
        status = child.proc.wait()
        child.stderr_thread.join(timeout=1)
        with self._lock:
            child.alive = False
            orphans = list(child.pending.values())
            child.pending.clear()
        tail = "\n".join(child.stderr_tail)
        for method, future in orphans:
            _settle(future.set_exception, SidecarCrashed(method, status, tail))


def _settle(setter, value):
    """Resolves a future unless its caller cancelled it."""
    try:
        setter(value)
    except InvalidStateError:
        pass

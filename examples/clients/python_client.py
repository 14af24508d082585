#!/usr/bin/env python3
"""A minimal parent for toba-register: spawns the sidecar and calls methods, matching answers by id.

    python3 examples/clients/python_client.py [path/to/toba-register] [--db PATH]

Usage from code:
    with Sidecar(["toba-register", "--db", ":memory:"]) as s:
        s.call("system.health")
"""
import itertools
import json
import subprocess
import sys
import threading


class RPCError(Exception):
    def __init__(self, error):
        super().__init__(f"{error['code']} {error['message']}: {error.get('data')}")
        self.error = error


class Sidecar:
    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.ids = itertools.count(1)
        self.waiting = {}
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            message = json.loads(line)
            for item in message if isinstance(message, list) else [message]:
                with self.lock:
                    slot = self.waiting.pop(json.dumps(item.get("id")), None)
                if slot:
                    slot["answer"] = item
                    slot["event"].set()

    def call(self, method, params=None, timeout=60):
        request_id = next(self.ids)
        slot = {"event": threading.Event()}
        with self.lock:
            self.waiting[json.dumps(request_id)] = slot
        request = {"jsonrpc": "2.0", "method": method, "id": request_id}
        if params is not None:
            request["params"] = params
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        if not slot["event"].wait(timeout):
            raise TimeoutError(method)
        answer = slot["answer"]
        if "error" in answer:
            raise RPCError(answer["error"])
        return answer["result"]

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/toba-register"
    with Sidecar([binary] + (sys.argv[2:] or ["--db", ":memory:"])) as sidecar:
        print(json.dumps(sidecar.call("system.health"), indent=2))

// A parent's client for toba-register: one file, Node.js 18+ standard library only.
//
// Copy this file into your project. It spawns the sidecar, pipelines JSON-RPC calls over its
// stdin/stdout (answers are matched by id, so any number of calls may be in flight), turns error
// objects into exceptions, starts a new sidecar when the old one died, and shuts down cleanly.
//
//   import { Sidecar, Unauthenticated } from "./toba_register.mjs";
//   const sidecar = new Sidecar("/usr/local/bin/toba-register", ["serve", "--db", "/var/lib/toba/toba.sqlite"]);
//   const session = await sidecar.call("auth.login", { email, password });
//   const users = await Promise.all(tokens.map((token) => sidecar.call("auth.verify", { token })));  // pipelined
//   try { await sidecar.call("auth.verify", { token: "forged" }); }
//   catch (error) { if (error instanceof Unauthenticated) console.log(error.code, error.reason); }  // 1001 invalid_token
//   await sidecar.close();
//
// Restart: a call made after the child died (crash, kill, system.shutdown) spawns a new one;
// calls in flight when it died are rejected with SidecarCrashed and not sent again (the sidecar
// may have applied them: retry only what is safe to repeat, e.g. with an idempotencyKey).
// A ":memory:" database dies with its child; use a file if the data must survive a restart.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** Base class of every error this module throws. */
export class SidecarError extends Error {
  get name() { return this.constructor.name; }
}

/** The child exited (or could not be started) before answering this call. */
export class SidecarCrashed extends SidecarError {
  constructor(method, exitCode, signal, stderrTail, startError) {
    const how = startError ? `could not be started (${startError})` : signal ? `was killed by ${signal}` : `exited with status ${exitCode}`;
    const tail = stderrTail ? `; its last words on stderr:\n${stderrTail}` : "";
    super(`toba-register ${how} before answering ${method}${tail}`);
    Object.assign(this, { method, exitCode, signal, stderrTail, startError });
  }
}

/** A call made after close(). */
export class SidecarClosed extends SidecarError {}

/** An error object the sidecar answered with (protocol/errors.md lists every reason). */
export class RPCError extends SidecarError {
  constructor(error) {
    const data = error.data && typeof error.data === "object" ? error.data : {};
    super(`${error.code} ${error.message}: ${data.reason}${data.field ? ` (${data.field})` : ""}`);
    this.error = error;
    this.code = error.code;
    this.data = data;
    this.reason = data.reason;
    this.field = data.field;
    this.permission = data.permission;
    this.retryAfterSeconds = data.retryAfterSeconds;
  }
}

export class ParseError extends RPCError {}
export class InvalidRequest extends RPCError {}
export class MethodNotFound extends RPCError {}
export class InvalidParams extends RPCError {}
export class InternalError extends RPCError {}
export class ValidationFailed extends RPCError {}
export class Unauthenticated extends RPCError {}
export class Forbidden extends RPCError {}
export class NotFound extends RPCError {}
export class Conflict extends RPCError {}
/** Carries retryAfterSeconds. */
export class RateLimited extends RPCError {}
export class ExpiredOrNotValidNow extends RPCError {}
export class NotConfigured extends RPCError {}
/** Storage busy, full or failing; the request had no effect and may be retried (after retryAfterSeconds when given). */
export class Unavailable extends RPCError {}

const classes = new Map([
  [-32700, ParseError], [-32600, InvalidRequest], [-32601, MethodNotFound], [-32602, InvalidParams],
  [-32603, InternalError], [1000, ValidationFailed], [1001, Unauthenticated], [1002, Forbidden],
  [1003, NotFound], [1004, Conflict], [1005, RateLimited], [1006, ExpiredOrNotValidNow],
  [1007, NotConfigured], [1008, Unavailable],
]);

/** The error for a JSON-RPC error object: its class is chosen by `code`. */
export function errorFromObject(error) {
  const Class = classes.get(error.code) ?? RPCError;
  return new Class(error);
}

/** One running sidecar process and the calls waiting for its answers. */
class Child {
  constructor(command, args, options, onStderr) {
    this.pending = new Map(); // id -> { method, resolve, reject }
    this.alive = true;
    this.stderrTail = [];
    this.process = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    // Writing to a child that died fails asynchronously; the exit handler rejects the calls.
    this.process.stdin.on("error", () => {});
    createInterface({ input: this.process.stderr }).on("line", (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
      onStderr(line);
    });
    createInterface({ input: this.process.stdout }).on("line", (line) => this.answer(line));
    this.exited = new Promise((resolve) => {
      let spawnError = null;
      this.process.on("error", (error) => { spawnError = error; this.finish(null, null, error); resolve(null); });
      // "close": the process exited and its stdout and stderr are drained, so every answer was read.
      this.process.on("close", (code, signal) => { if (!spawnError) { this.finish(code, signal); resolve(code); } });
    });
  }

  answer(line) {
    let message;
    try { message = JSON.parse(line); } catch { console.error(`toba-register wrote a line that is not JSON: ${line.slice(0, 200)}`); return; }
    for (const answer of Array.isArray(message) ? message : [message]) {
      const slot = this.pending.get(answer.id);
      if (!slot) { console.error(`an answer matching no call: ${line.slice(0, 200)}`); continue; }
      this.pending.delete(answer.id);
      if (answer.error) slot.reject(errorFromObject(answer.error));
      else slot.resolve(answer.result);
    }
  }

  finish(code, signal, startError) {
    if (!this.alive) return;
    this.alive = false;
    const tail = this.stderrTail.join("\n");
    for (const { method, reject } of this.pending.values()) reject(new SidecarCrashed(method, code, signal, tail, startError));
    this.pending.clear();
  }
}

export class Sidecar {
  /**
   * @param {string} command the toba-register binary
   * @param {string[]} args its arguments, e.g. ["serve", "--db", "toba.sqlite"]
   * @param {{env?: object, cwd?: string, onStderr?: (line: string) => void, shutdownTimeoutMs?: number}} options
   *   onStderr receives each line the sidecar logs (default: copied to this process's stderr);
   *   shutdownTimeoutMs is how long close() waits for a clean exit before killing the child (default 10 s).
   */
  constructor(command, args = [], options = {}) {
    this.command = command;
    this.args = args;
    this.options = options;
    this.onStderr = options.onStderr ?? ((line) => process.stderr.write(line + "\n"));
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.restarts = 0;
    this.nextId = 1;
    this.closed = false;
    this.child = new Child(command, args, options, this.onStderr);
  }

  /** The process id of the current child. */
  get pid() { return this.child.process.pid; }

  /** Sends a request now; the promise settles with its result or an RPCError subclass. */
  call(method, params) {
    if (this.closed) return Promise.reject(new SidecarClosed(`${method}: the sidecar was closed`));
    const child = this.liveChild();
    const id = this.nextId++;
    const request = { jsonrpc: "2.0", method, id };
    if (params !== undefined) request.params = params;
    return new Promise((resolve, reject) => {
      child.pending.set(id, { method, resolve, reject });
      child.process.stdin.write(JSON.stringify(request) + "\n");
    });
  }

  /** A notification: run by the sidecar, never answered. */
  notify(method, params) {
    if (this.closed) throw new SidecarClosed(`${method}: the sidecar was closed`);
    const request = { jsonrpc: "2.0", method };
    if (params !== undefined) request.params = params;
    this.liveChild().process.stdin.write(JSON.stringify(request) + "\n");
  }

  /**
   * Closes the child's stdin (it finishes every request it read, answers them and exits), waits
   * for it, and kills it after timeoutMs. Resolves with its exit status (null if killed).
   */
  async close(timeoutMs = this.shutdownTimeoutMs) {
    this.closed = true;
    const child = this.child;
    child.process.stdin.end();
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, "late"); });
    const outcome = await Promise.race([child.exited, late]);
    clearTimeout(timer);
    if (outcome !== "late") return outcome;
    console.error("toba-register did not exit in time; killing it");
    child.process.kill("SIGKILL");
    return child.exited;
  }

  /** The current child, or a new one if it died. */
  liveChild() {
    const { process: running } = this.child;
    if (!this.child.alive || running.exitCode !== null || running.signalCode !== null) {
      this.restarts += 1;
      this.child = new Child(this.command, this.args, this.options, this.onStderr);
    }
    return this.child;
  }
}

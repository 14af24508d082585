#!/usr/bin/env node
// A minimal Node.js parent for toba-register: spawns the sidecar, matches answers by id.
//   node examples/clients/node_client.mjs [path/to/toba-register] [--db PATH]
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export class Sidecar {
  constructor(argv) {
    this.child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
    this.nextId = 1;
    this.waiting = new Map();
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      const message = JSON.parse(line);
      for (const answer of Array.isArray(message) ? message : [message]) {
        const slot = this.waiting.get(JSON.stringify(answer.id));
        if (!slot) continue;
        this.waiting.delete(JSON.stringify(answer.id));
        if (answer.error) slot.reject(Object.assign(new Error(answer.error.message), answer.error));
        else slot.resolve(answer.result);
      }
    });
  }

  call(method, params) {
    const id = this.nextId++;
    const request = { jsonrpc: "2.0", method, id };
    if (params !== undefined) request.params = params;
    return new Promise((resolve, reject) => {
      this.waiting.set(JSON.stringify(id), { resolve, reject });
      this.child.stdin.write(JSON.stringify(request) + "\n");
    });
  }

  close() {
    this.child.stdin.end();
    return new Promise((resolve) => this.child.on("exit", resolve));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const binary = process.argv[2] ?? ".build/release/toba-register";
  const rest = process.argv.length > 3 ? process.argv.slice(3) : ["--db", ":memory:"];
  const sidecar = new Sidecar([binary, ...rest]);
  console.log(JSON.stringify(await sidecar.call("system.health"), null, 2));
  process.exitCode = await sidecar.close();
}

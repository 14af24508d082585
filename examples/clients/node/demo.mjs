#!/usr/bin/env node
// A customer's way through toba-register, driven by the client in toba_register.mjs:
// register -> confirm -> login -> verify -> voucher claim -> payment create (and the gateway's
// notification), then typed errors, a crash and its restart, and a clean shutdown.
//
//   node examples/clients/node/demo.mjs path/to/toba-register
//
// It works in a throw-away directory: a database file and its key file, a settings file, and an
// admin made with `toba-register createsuperuser` whose session comes from `toba-register token`
// (nothing over the protocol can make the first admin, so an in-memory database would have none).
// The lines it prints are the same as the Python demo's.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Conflict, RateLimited, Sidecar, SidecarCrashed, Unauthenticated } from "./toba_register.mjs";

const ADMIN_EMAIL = "admin@example.com";
const SERVER_KEY = "SB-Mid-server-demo"; // the Midtrans server key; here only to sign the fake notification
const DAY = 86_400_000;

const rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Awaits `promise`, which must fail with `Class`; returns that error. */
async function failure(promise, Class) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Class) return error;
    throw error;
  }
  throw new Error(`expected ${Class.name}`);
}

/**
 * Resolves once every thread of process `pid` is stopped: SIGSTOP takes effect asynchronously in a
 * multi-threaded process. Reads /proc where there is one, else asks `ps`.
 */
async function stopped(pid) {
  const tasks = `/proc/${pid}/task`;
  const states = () => existsSync(tasks)
    ? readdirSync(tasks).map((task) => {
      try { return readFileSync(`${tasks}/${task}/stat`, "utf8").split(") ").at(-1)[0]; } catch { return "T"; } // a thread that ended answers nothing
    })
    : [execFileSync("ps", ["-o", "stat=", "-p", String(pid)]).toString().trim()[0]];
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (states().every((state) => state === "T" || state === "t")) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the sidecar did not stop");
}

async function run(binary, workdir) {
  const db = join(workdir, "demo.sqlite");
  const config = join(workdir, "settings.json");
  // Fewer PBKDF2 iterations than the default 1,000,000 so the demo runs in a moment.
  writeFileSync(config, JSON.stringify({ passwords: { iterations: 10000 }, payments: { serverKey: SERVER_KEY } }));
  const common = ["--db", db, "--config", config, "--log-level", "warning"];

  // The operator's part: an admin, and a session token for this script.
  execFileSync(binary, ["createsuperuser", "--email", ADMIN_EMAIL, ...common], { input: "an admin passphrase\n", stdio: ["pipe", "ignore", "inherit"] });
  const admin = execFileSync(binary, ["token", "--email", ADMIN_EMAIL, ...common], { stdio: ["ignore", "pipe", "inherit"] }).toString().trim();
  console.log(`admin: token minted for ${ADMIN_EMAIL}`);

  const sidecar = new Sidecar(binary, ["serve", ...common]);

  // Catalog: product, plan and voucher (admin methods).
  const { product } = await sidecar.call("product.create", { token: admin, name: "Widya Analytics", description: "Social media analytics" });
  const { plan } = await sidecar.call("plan.create", { token: admin, productId: product.id, name: "Monthly", price: 100000, periodDays: 30 });
  const now = Date.now();
  const { voucher } = await sidecar.call("voucher.create", {
    token: admin, code: "launch-demo", name: "Launch demo", bound: true, usage: 100,
    validFrom: rfc3339(now - DAY), validTo: rfc3339(now + 30 * DAY),
  });
  console.log(`catalog: product ${product.id}, plan ${plan.id} (${plan.price} IDR / ${plan.periodDays} days), voucher ${voucher.code}`);

  // The customer.
  const email = "siti@example.com", password = "a long passphrase";
  const registered = await sidecar.call("user.register", { email, password, firstName: "Siti" });
  console.log(`register: ${registered.user.email} (user ${registered.user.id}), confirmation sent`);
  const confirmed = await sidecar.call("email.confirm", { key: registered.confirmation.key });
  console.log(`confirm: ${confirmed.email} verified`);
  const { token } = await sidecar.call("auth.login", { email, password, userAgent: "demo.mjs" });
  console.log("login: session opened");
  const me = await sidecar.call("auth.verify", { token });
  console.log(`verify: user ${me.userId} ${me.email} groups ${me.groups.join(",")}`);

  const claim = await sidecar.call("voucher.claim", { token, code: "LAUNCH-DEMO" });
  console.log(`claim: ${claim.subscription.status} subscription on product ${claim.subscription.productId}`);
  const again = await failure(sidecar.call("voucher.claim", { token, code: "launch-demo" }), Conflict);
  console.log(`claim again: ${again.name} ${again.code} ${again.reason}`);

  // Pipelined: both requests are sent before either answer is read; the key makes them one payment.
  const checkout = { token, planId: plan.id, idempotencyKey: "checkout-1" };
  const [first, retry] = await Promise.all([sidecar.call("payment.create", checkout), sidecar.call("payment.create", checkout)]);
  const payment = first.payment;
  const details = payment.transactionDetails;
  console.log(`payment: ${payment.transactionStatus} ${details.grossAmount} ${details.currency}`);
  console.log(`payment retry: ${retry.payment.id === payment.id ? "same payment" : "ANOTHER payment"}`);

  // What the parent forwards when Midtrans calls its webhook (signed here with the demo's key).
  const notification = { order_id: payment.id, status_code: "200", gross_amount: "100000.00", transaction_status: "settlement", fraud_status: "accept" };
  notification.signature_key = createHash("sha512")
    .update(notification.order_id + notification.status_code + notification.gross_amount + SERVER_KEY).digest("hex");
  const notified = await sidecar.call("payment.notify", { notification });
  console.log(`notify: ${notified.payment.transactionStatus} applied=${notified.applied} renewed=${notified.renewed}`);

  // Typed errors.
  const wrong = await failure(sidecar.call("auth.login", { email, password: "not the password" }), Unauthenticated);
  console.log(`wrong password: ${wrong.name} ${wrong.code} ${wrong.reason}`);
  const attempts = [0, 1, 2, 3, 4].map((n) => sidecar.call("auth.login", { email, password: `guess ${n}` }));
  attempts.slice(0, -1).forEach((attempt) => attempt.catch(() => {}));
  const limited = await failure(attempts.at(-1), RateLimited);
  if (!(limited.retryAfterSeconds > 0)) throw new Error("retryAfterSeconds missing");
  console.log(`rate limit: ${limited.name} ${limited.code} ${limited.reason}`);

  // A crash: the child is stopped, a call is sent, the child is killed before it could answer.
  process.kill(sidecar.pid, "SIGSTOP");
  await stopped(sidecar.pid);
  const inFlight = sidecar.call("auth.verify", { token });
  process.kill(sidecar.pid, "SIGKILL");
  const crash = await failure(inFlight, SidecarCrashed);
  console.log(`crash: ${crash.name} while ${crash.method} was in flight`);
  const after = await sidecar.call("auth.verify", { token });
  console.log(`restart: new sidecar, session of user ${after.userId} still valid (restarts=${sidecar.restarts})`);

  console.log(`closed: exit status ${await sidecar.close()}`);
}

if (process.argv.length !== 3) {
  console.error("usage: demo.mjs path/to/toba-register");
  process.exit(2);
}
const workdir = mkdtempSync(join(tmpdir(), "toba-demo-"));
try {
  await run(process.argv[2], workdir);
} finally {
  rmSync(workdir, { recursive: true, force: true });
}

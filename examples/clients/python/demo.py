#!/usr/bin/env python3
"""A customer's way through toba-register, driven by the client in toba_register.py:
register -> confirm -> login -> verify -> voucher claim -> payment create (and the gateway's
notification), then typed errors, a crash and its restart, and a clean shutdown.

    python3 examples/clients/python/demo.py path/to/toba-register

It works in a throw-away directory: a database file and its key file, a settings file, and an
admin made with `toba-register createsuperuser` whose session comes from `toba-register token`
(nothing over the protocol can make the first admin, so an in-memory database would have none).
The lines it prints are the same as the Node demo's.
"""
import datetime
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile

from toba_register import Conflict, RateLimited, Sidecar, SidecarCrashed, Unauthenticated

ADMIN_EMAIL = "admin@example.com"
SERVER_KEY = "SB-Mid-server-demo"    # the Midtrans server key; here only to sign the fake notification


def rfc3339(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(binary):
    with tempfile.TemporaryDirectory(prefix="toba-demo-") as workdir:
        run(binary, workdir)


def run(binary, workdir):
    db = os.path.join(workdir, "demo.sqlite")
    config = os.path.join(workdir, "settings.json")
    with open(config, "w") as f:
        # Fewer PBKDF2 iterations than the default 1,000,000 so the demo runs in a moment.
        json.dump({"passwords": {"iterations": 10000}, "payments": {"serverKey": SERVER_KEY}}, f)
    common = ["--db", db, "--config", config, "--log-level", "warning"]

    # The operator's part: an admin, and a session token for this script.
    subprocess.run([binary, "createsuperuser", "--email", ADMIN_EMAIL] + common,
                   input=b"an admin passphrase\n", stdout=subprocess.DEVNULL, check=True)
    admin = subprocess.run([binary, "token", "--email", ADMIN_EMAIL] + common,
                           stdout=subprocess.PIPE, check=True).stdout.decode().strip()
    print(f"admin: token minted for {ADMIN_EMAIL}")

    sidecar = Sidecar([binary, "serve"] + common)

    # Catalog: product, plan and voucher (admin methods).
    product = sidecar.call("product.create", {"token": admin, "name": "Widya Analytics",
                                              "description": "Social media analytics"})["product"]
    plan = sidecar.call("plan.create", {"token": admin, "productId": product["id"], "name": "Monthly",
                                        "price": 100000, "periodDays": 30})["plan"]
    now = datetime.datetime.now(datetime.timezone.utc)
    voucher = sidecar.call("voucher.create", {
        "token": admin, "code": "launch-demo", "name": "Launch demo", "bound": True, "usage": 100,
        "validFrom": rfc3339(now - datetime.timedelta(days=1)), "validTo": rfc3339(now + datetime.timedelta(days=30)),
    })["voucher"]
    print(f"catalog: product {product['id']}, plan {plan['id']} ({plan['price']} IDR / {plan['periodDays']} days), "
          f"voucher {voucher['code']}")

    # The customer.
    email, password = "siti@example.com", "a long passphrase"
    registered = sidecar.call("user.register", {"email": email, "password": password, "firstName": "Siti"})
    print(f"register: {registered['user']['email']} (user {registered['user']['id']}), confirmation sent")
    confirmed = sidecar.call("email.confirm", {"key": registered["confirmation"]["key"]})
    print(f"confirm: {confirmed['email']} verified")
    token = sidecar.call("auth.login", {"email": email, "password": password, "userAgent": "demo.py"})["token"]
    print("login: session opened")
    me = sidecar.call("auth.verify", {"token": token})
    print(f"verify: user {me['userId']} {me['email']} groups {','.join(me['groups'])}")

    claim = sidecar.call("voucher.claim", {"token": token, "code": "LAUNCH-DEMO"})
    print(f"claim: {claim['subscription']['status']} subscription on product {claim['subscription']['productId']}")
    try:
        sidecar.call("voucher.claim", {"token": token, "code": "launch-demo"})
    except Conflict as error:
        print(f"claim again: {type(error).__name__} {error.code} {error.reason}")

    # Pipelined: both requests are sent before either answer is read; the key makes them one payment.
    checkout = {"token": token, "planId": plan["id"], "idempotencyKey": "checkout-1"}
    first, again = sidecar.submit("payment.create", checkout), sidecar.submit("payment.create", checkout)
    payment = first.result()["payment"]
    details = payment["transactionDetails"]
    print(f"payment: {payment['transactionStatus']} {details['grossAmount']} {details['currency']}")
    print(f"payment retry: {'same payment' if again.result()['payment']['id'] == payment['id'] else 'ANOTHER payment'}")

    # What the parent forwards when Midtrans calls its webhook (signed here with the demo's key).
    notification = {"order_id": payment["id"], "status_code": "200", "gross_amount": "100000.00",
                    "transaction_status": "settlement", "fraud_status": "accept"}
    signed = notification["order_id"] + notification["status_code"] + notification["gross_amount"] + SERVER_KEY
    notification["signature_key"] = hashlib.sha512(signed.encode()).hexdigest()
    notified = sidecar.call("payment.notify", {"notification": notification})
    print(f"notify: {notified['payment']['transactionStatus']} applied={json.dumps(notified['applied'])} "
          f"renewed={json.dumps(notified['renewed'])}")

    # Typed errors.
    try:
        sidecar.call("auth.login", {"email": email, "password": "not the password"})
    except Unauthenticated as error:
        print(f"wrong password: {type(error).__name__} {error.code} {error.reason}")
    attempts = [sidecar.submit("auth.login", {"email": email, "password": f"guess {n}"}) for n in range(5)]
    try:
        attempts[-1].result()
    except RateLimited as error:
        assert error.retry_after_seconds > 0
        print(f"rate limit: {type(error).__name__} {error.code} {error.reason}")

    # A crash: the child is stopped, a call is sent, the child is killed before it could answer.
    # SIGSTOP takes effect asynchronously in a multi-threaded process: waitpid(WUNTRACED) returns
    # once every thread has stopped (it reaps nothing).
    os.kill(sidecar.pid, signal.SIGSTOP)
    os.waitpid(sidecar.pid, os.WUNTRACED)
    in_flight = sidecar.submit("auth.verify", {"token": token})
    os.kill(sidecar.pid, signal.SIGKILL)
    try:
        in_flight.result(timeout=30)
    except SidecarCrashed as error:
        print(f"crash: {type(error).__name__} while {error.method} was in flight")
    me = sidecar.call("auth.verify", {"token": token})
    print(f"restart: new sidecar, session of user {me['userId']} still valid (restarts={sidecar.restarts})")

    print(f"closed: exit status {sidecar.close()}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: demo.py path/to/toba-register")
    main(sys.argv[1])

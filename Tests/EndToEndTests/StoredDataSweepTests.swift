import Foundation
import GRDB
import Testing
import TobaRPC

/// PROTOCOL.md §7 and §10: "a stored value the service cannot read fails only the requests that
/// read it, never the process". A populated database (the fuzzer's world, plus a row in nearly
/// every table) is corrupted one column at a time, in every row, the way another program could
/// have written it (text in an integer, boolean or timestamp column, bytes in a text column, `x`
/// in a UUID column, invalid JSON), and also given the forms PostgreSQL writes (`t`, a
/// timestamp ending `+00`), which must read fine. Each corrupted copy is served once, every
/// documented method is called on it as the admin and as a user, all calls pipelined, and:
/// every request is answered, never with -32603; a readable form fails no request with
/// `storage_error`; the process lives on and exits cleanly.
///
/// `TOBA_CORRUPT_ALL=1` also tries integers beyond 64 bits, NULL in nullable columns and
/// integers in text columns (about twice as long).
@Suite struct StoredDataSweepTests {
    @Test(.timeLimit(.minutes(8)))
    func everyMethodAnswersOverACorruptedColumnAndTheProcessSurvives() throws {
        let environment = ProcessInfo.processInfo.environment
        let all = environment["TOBA_CORRUPT_ALL"] != nil
        let (template, calls) = try Self.populatedTemplate()
        var columns = try CorruptibleColumn.all(in: template.appendingPathComponent("toba.sqlite"))
        #expect(columns.count >= 150)
        // TOBA_CORRUPT_ONLY=table.column (or a table) narrows the sweep while hunting one failure.
        if let only = environment["TOBA_CORRUPT_ONLY"] {
            columns = columns.filter { $0.table == only || "\($0.table).\($0.name)" == only }
        }
        var failures: [String] = []
        var untouched: [String] = []
        var served = 0
        for column in columns {
            for value in column.values(all: all) {
                let directory = try Sidecar.makeDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                for file in ["toba.sqlite", "toba.sqlite.key"] {
                    try FileManager.default.copyItem(at: template.appendingPathComponent(file), to: directory.appendingPathComponent(file))
                }
                let database = directory.appendingPathComponent("toba.sqlite")
                guard try column.write(value.value, into: database) > 0 else {
                    untouched.append("\(column.table).\(column.name) (\(value.label))")
                    continue
                }
                let place = "\(column.table).\(column.name) = \(value.label)"
                failures += try Self.serve(database, calls: calls, readable: value.readable, place: place)
                served += 1
                if failures.count > 40 { break }
            }
        }
        print("stored-data sweep: \(served) corrupted copies of \(columns.count) columns, \(calls.count) calls each; "
            + "left alone (no row took the value): \(untouched.joined(separator: ", "))")
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(40).joined(separator: "\n"))")
        try? FileManager.default.removeItem(at: template)
    }

    /// Serves the file once, sends every call at once and checks every answer and the exit.
    static func serve(_ database: URL, calls: [FuzzCall], readable: Bool, place: String) throws -> [String] {
        let sidecar = try Sidecar(arguments: ["--db", database.path], config: FuzzWorld.config,
                                  directory: database.deletingLastPathComponent())
        var failures: [String] = []
        let ids = calls.map { call in
            let id = sidecar.makeID()
            sidecar.send(Sidecar.requestLine(call.method, call.params, id: id))
            return id
        }
        for (call, id) in zip(calls, ids) {
            guard let response = FuzzRunner.answer(sidecar, id: id) else {
                failures.append("\(place): \(call.method) [\(call.label)] got no answer; stderr: \(sidecar.stderrText.suffix(1500))")
                break
            }
            if response.errorCode == -32603 {
                let log = failures.isEmpty ? "; stderr: " + sidecar.stderrText.suffix(1200) : ""
                failures.append("\(place): \(call.method) [\(call.label)] internal error\(log)")
            } else if readable, response.errorReason == "storage_error" {
                failures.append("\(place): \(call.method) [\(call.label)] could not read a form other programs write")
            } else if response["result"] == nil, response.errorReason == nil {
                failures.append("\(place): \(call.method) [\(call.label)] neither result nor error reason: \(FuzzRunner.brief(response))")
            }
        }
        if !sidecar.process.isRunning {
            failures.append("\(place): the process died: \(sidecar.stderrText.suffix(1500))")
        } else if try sidecar.finish(timeout: 60) != 0 {
            failures.append("\(place): unclean exit: \(sidecar.stderrText.suffix(1500))")
        }
        return failures
    }

    /// The fuzzer's world with a row in nearly every table, stopped; its directory (the database
    /// and its key file) and the calls to make: each documented method with valid parameters as
    /// the admin and as the user, those that end sessions or delete things last.
    static func populatedTemplate() throws -> (URL, [FuzzCall]) {
        let world = try FuzzWorld()
        let s = world.sidecar
        let admin = world.admin, user = world.user
        _ = try s.result("voucher.claim", ["token": user, "code": .string(world.voucherCode)])
        _ = try s.result("subscription.renew", ["token": admin, "userId": world.userId, "planId": world.ids["planId"] ?? 0,
                                                "idempotencyKey": "sweep-1"])
        _ = try s.result("feedback.submit", ["token": user, "satisfaction": "happy", "type": "bug", "page": "home", "message": "hi"])
        _ = try s.result("device.register", ["token": user, "kind": "gcm", "registrationId": "gcm-1", "deviceId": "0x1f"])
        _ = try s.result("device.register", ["token": user, "kind": "wns", "registrationId": "wns-1",
                                             "deviceId": "0f8fad5b-d9cb-469f-a165-70867728950e"])
        _ = try s.result("device.register", ["token": user, "kind": "webpush", "registrationId": "https://push.example/1",
                                             "p256dh": "key", "auth": "auth"])
        _ = try s.result("social.login", ["provider": "google", "uid": "sweep-uid", "email": .string(world.userEmail),
                                          "emailVerified": true, "accessToken": "access", "tokenSecret": "secret",
                                          "expiresAt": "2030-01-01T00:00:00Z"])
        _ = try s.result("email.add", ["token": user, "email": "second@example.com"])
        _ = try s.result("group.update", ["token": admin, "groupId": world.ids["groupId"] ?? 0, "permissionIds": [1, 2]])
        _ = try s.result("admin.user.update", ["token": admin, "userId": world.userId, "permissionIds": [3]])
        _ = try s.result("payment.notify", ["notification": Shop.notification(
            orderId: world.ids["paymentId"]?.stringValue ?? "", status: "settlement", gross: "\(world.paymentAmount).00",
            key: FuzzWorld.serverKey)])

        var rng = SeededGenerator(seed: 0x5EED_DA7A)
        let last = ["delete", "logout", "revoke", "unregister", "disconnect", "changePassword", "password.reset", "admin.user.update"]
        let methods = try FuzzSchema.load().filter { $0.name != "system.shutdown" }
            .sorted { a, b in
                let (la, lb) = (last.contains { a.name.contains($0) }, last.contains { b.name.contains($0) })
                return la == lb ? a.name < b.name : !la
            }
        var calls: [FuzzCall] = []
        for method in methods {
            var plan = FuzzPlan(method: method, world: world)
            for token in plan.sessionToken ? [FuzzPlan.Token.admin, .user] : [.admin] {
                calls.append(FuzzCall(method: method.name, params: .object(plan.validParams(optional: 0.5, token: token, &rng)),
                                      label: "\(token)"))
            }
        }
        _ = try s.result("system.shutdown")
        guard try s.finish(timeout: 60) == 0 else { throw Sidecar.TimedOut(what: "a clean exit", stderr: s.stderrText) }
        return (s.directory, calls)
    }
}

import Foundation
import Synchronization
import Testing
import TobaRPC

/// The service secret key file: created once, atomically, readable by every process sharing it.
@Suite struct SecretKeyFileTests {
    @Test func processesStartingTogetherAgreeOnOneKey() throws {
        for _ in 0..<3 {
            let directory = try Sidecar.makeDirectory()
            let keyFile = directory.appendingPathComponent("shared.key").path
            let health = Data((Sidecar.requestLine("system.health", nil, id: 1) + "\n").utf8)
            let runs = Mutex<[Sidecar.Run]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let run = try? Sidecar.run(["--db", ":memory:", "--secret-key-file", keyFile], stdin: health, directory: directory)
                runs.withLock { if let run { $0.append(run) } }
            }
            let all = runs.withLock { $0 }
            #expect(all.count == 8)
            for run in all {
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.contains(#""status":"ok""#))
            }
            let key = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.count == 50)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test func aKeyFileThatIsADirectoryIsAStartUpFailure() throws {
        let directory = try Sidecar.makeDirectory()
        let run = try Sidecar.run(["--db", ":memory:", "--secret-key-file", directory.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot read the secret key file"))
        #expect(run.stdout.isEmpty)
    }
}

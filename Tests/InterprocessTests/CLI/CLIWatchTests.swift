import Foundation
@testable import Interprocess
import Testing

@Suite("CLI: watch", .timeLimit(.minutes(5)))
struct CLIWatchTests {
    @Test func printsOneJSONObjectPerTickAndSeesChanges() throws {
        let name = TestSupport.uniqueName("cli-watch")
        defer { try? SharedMemory.remove(name) }
        let semaphore = try ProcessSemaphore(create: name, maximumCount: 100)
        // Units posted while watch runs show up in later ticks. Posting goes on until watch is
        // done (however long the tool takes to start on a loaded machine), up to the maximum.
        let done = ThreadLock(false)
        let poster = Thread {
            for _ in 0..<100 where !done.withLock({ $0 }) {
                try? semaphore.post()
                usleep(60_000)
            }
        }
        poster.start()
        defer { done.withLock { $0 = true } }
        let outcome = try TestSupport.cli("watch", name, "--count", "4", "--interval", "200ms", "--json")
        done.withLock { $0 = true }
        #expect(outcome.status == 0, "\(outcome)")
        let ticks = try CLIJSON.lines(outcome.standardOutput)
        #expect(ticks.map { $0["tick"] as? Int } == [1, 2, 3, 4])
        let counts = ticks.compactMap { ($0["state"] as? [String: Any])?["count"] as? Int }
        #expect(counts.count == 4)
        #expect(counts == counts.sorted() && counts.first != counts.last, "\(counts)")
        #expect(ticks.allSatisfy { ($0["segment"] as? [String: Any])?["verdict"] as? String == "valid" })
    }

    @Test func printsOneLinePerTickInAPipe() throws {
        let name = TestSupport.uniqueName("cli-watch-text")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--kind", "event", "--event-mode", "auto").status == 0)
        let outcome = try TestSupport.cli("watch", name, "--count", "3", "--interval", "50ms")
        #expect(outcome.status == 0, "\(outcome)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.count == 3, "\(outcome)")
        #expect(lines.allSatisfy { $0.contains("\(name) valid event") && $0.contains("set=no") }, "\(outcome)")
        #expect(!outcome.standardOutput.contains("\u{1B}["), "no escape sequences in a pipe")
    }

    @Test func keepsGoingWhileTheSegmentIsMissing() throws {
        let name = TestSupport.uniqueName("cli-watch-missing")
        let outcome = try TestSupport.cli("watch", name, "--count", "2", "--interval", "10ms", "--json")
        #expect(outcome.status == 0, "\(outcome)")
        let ticks = try CLIJSON.lines(outcome.standardOutput)
        #expect(ticks.compactMap { ($0["error"] as? [String: Any])?["code"] as? String } == ["notFound", "notFound"])
    }

    @Test func redrawsTheScreenOnATerminal() throws {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        try #require(FileManager.default.isExecutableFile(atPath: script.path), "util-linux `script` gives watch a pty")
        let name = TestSupport.uniqueName("cli-watch-tty")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--kind", "semaphore", "--initial", "3").status == 0)
        let command = "\(try TestSupport.executable("interprocess").path) watch \(name) --count 2 --interval 50ms"
        let outcome = try TestSupport.run(script, ["-qec", command, "/dev/null"])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.standardOutput.components(separatedBy: "\u{1B}[H\u{1B}[2J").count == 3, "two redraws: \(outcome)")
        #expect(outcome.standardOutput.contains("count:"), "\(outcome)")
        #expect(outcome.standardOutput.contains("3 of at most"), "\(outcome)")
    }
}

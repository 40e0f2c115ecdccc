import Foundation
import Interprocess
import Testing

/// Bad usage exits 64 with a sentence naming what was wrong, for every command, and touches
/// nothing; runtime failures exit 1.
@Suite("CLI: bad usage exits 64", .timeLimit(.minutes(5)))
struct CLIUsageErrorTests {
    static let cases: [(arguments: [String], mentions: String)] = [
        (["create", "x", "--size", "-5"], "--size"),
        (["create", "x", "--size", "0"], "--size must be at least 1"),
        (["create", "no/slash", "--size", "1"], "not a valid segment name"),
        (["create", "x", "--kind", "teapot"], "teapot"),
        (["create", "x", "--kind", "mutex", "--size", "1"], "--size does not apply to --kind mutex"),
        (["create", "x", "--kind", "spsc", "--capacity", "4K"], "--kind spsc needs --max-record"),
        (["create", "x", "--kind", "semaphore", "--initial", "9", "--maximum", "3"], "--initial must be from 0 to 3"),
        (["create", "x", "--kind", "mpmc", "--slots", "-8", "--slot-size", "64"], "--slots"),
        (["create", "x", "--kind", "event"], "--kind event needs --event-mode"),
        (["inspect", "a/b"], "not a valid segment name"),
        (["inspect", "a b"], "not a valid segment name"),
        (["watch", "a b"], "not a valid segment name"),
        (["dump", "a/b"], "not a file name"),
        (["dump", "x", "--bytes", "-1"], "--bytes"),
        (["watch", "x", "--interval", "0s"], "--interval must be more than 0"),
        (["watch", "x", "--count", "0"], "--count must be from 1"),
        (["watch", "x", "--count", "-3"], "--count"),
        (["rm", "ok", "a/b"], "not a valid segment name"),
        (["gc", "--older-than", "-5m"], "The value '-5m' is invalid for '--older-than"),
        (["watch", "x", "--interval", "-1s"], "The value '-1s' is invalid for '--interval"),
        (["bench", "--cpus", "0,4095"], "CPU 4095 is not one this process may run on"),
        (["bench", "--cpus", "0,-1"], "--cpus takes two CPU numbers"),
        (["bench", "--iterations", "-5"], "--iterations must be at least 1"),
        (["bench", "--seconds", "0"], "--seconds must be positive"),
        (["ls", "--bogus"], "--bogus"),
        (["create", "x", "--kind", "service", "--size", "1"], "--size does not apply to --kind service"),
        (["create", "x", "--kind", "mutex", "--buffer", "4"], "--buffer does not apply to --kind mutex"),
        (["create", "x", "--kind", "service", "--max-size", "0"], "--max-size must be at least 1"),
        (["create", "x", "--kind", "service", "--max-subscribers", "2000"], "--max-subscribers must be from 1 to 1024"),
        (["pub", "x", "--buffer", "4"], "--buffer configures a new service: it applies only with --create"),
        (["pub", "x", "--max-size", "4"], "(or, as the chunk size, with --bytes)"),
        (["pub", "x", "--create", "--history", "20"], "--history must be from 0 to 16"),
        (["pub", "x", "--create", "--timeout", "1s"], "with --create there is nothing to wait for"),
        (["pub", "x", "--interval", "0s"], "--interval must be more than 0"),
        (["pub", "a/b"], "not a valid segment name"),
        (["sub", "x", "--count", "0"], "--count must be from 1"),
        (["sub", "x", "--timeout", "0ms"], "--timeout must be more than 0"),
        (["sub", String(repeating: "s", count: Service.maximumNameLength + 1)], "too long for a service name"),
        (["services", "--bogus"], "--bogus"),
    ]

    @Test(arguments: cases.indices)
    func badUsageExits64(_ index: Int) throws {
        let (arguments, mentions) = Self.cases[index]
        let outcome = try TestSupport.run(TestSupport.executable("interprocess"), arguments)
        #expect(outcome.status == 64, "\(arguments): \(outcome)")
        #expect(outcome.standardError.contains(mentions), "\(arguments): \(outcome)")
        #expect(!outcome.standardError.contains("wait status") && !outcome.standardError.contains("bench [1/"), "\(outcome)")
    }

    @Test func aConfigurationTheLibraryRejectsIsBadUsageToo() throws {
        let name = TestSupport.uniqueName("cli-badcap")
        defer { try? SharedMemory.remove(name) }
        // Not a power of two: the queue itself says so.
        let outcome = try TestSupport.cli("create", name, "--kind", "spsc", "--capacity", "5000", "--max-record", "64", "--json")
        #expect(outcome.status == 64, "\(outcome)")
        let error = try CLIJSON.member(outcome.standardOutput, "error")
        #expect(error["code"] as? String == "invalidArgument")
        #expect((error["message"] as? String)?.contains("power of two") == true, "\(outcome)")
        #expect(!SharedMemory.exists(name))
    }

    @Test func runtimeFailuresExit1WithTheLibrarysSentence() throws {
        let missing = TestSupport.uniqueName("cli-missing")
        let outcome = try TestSupport.cli("inspect", missing)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("does not exist"), "\(outcome)")
    }
}

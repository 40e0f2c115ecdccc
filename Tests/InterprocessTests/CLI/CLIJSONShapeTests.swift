import Foundation
import Interprocess
import Testing

/// One JSON convention for every command: standard output is one object (watch: one per line)
/// whose keys name the result sets; failures are {"error": {...}}.
@Suite("CLI: one JSON shape", .timeLimit(.minutes(5)))
struct CLIJSONShapeTests {
    @Test func everyCommandPrintsOneObject() throws {
        let name = TestSupport.uniqueName("cli-shape")
        defer { try? SharedMemory.remove(name) }
        let expectations: [(arguments: [String], keys: Set<String>)] = [
            (["create", name, "--size", "64", "--json"], ["segment"]),
            (["ls", "--ours", "--json"], ["segments"]),
            (["inspect", name, "--json"], ["segment"]),
            (["dump", name, "--json", "--bytes", "16"], ["segment", "header", "bytes"]),
            (["watch", name, "--json", "--count", "1"], ["tick", "time", "segment"]),
            (["gc", "--prefix", name, "--dry-run", "--json"], ["dryRun", "segments", "decisions"]),
            (["rm", name, "--json"], ["results"]),
            (["services", "--json"], ["services"]),
            (["inspect", name, "--json"], ["error"]),
            (["bench", "--quick", "--only", "lock", "--json"], ["latency", "throughput", "locks", "machine"]),
        ]
        for (arguments, keys) in expectations {
            let outcome = try TestSupport.run(TestSupport.executable("interprocess"), arguments)
            let object = try CLIJSON.object(outcome.standardOutput)
            #expect(keys.isSubset(of: Set(object.keys)), "\(arguments): \(object.keys.sorted())")
        }
    }

    @Test func helpStatesTheConvention() throws {
        let help = try TestSupport.cli("--help")
        #expect(help.standardOutput.contains("standard output is one JSON object"), "\(help)")
        let inspectHelp = try TestSupport.cli("inspect", "--help")
        #expect(inspectHelp.standardOutput.contains("one object whose keys name"), "\(inspectHelp)")
    }
}

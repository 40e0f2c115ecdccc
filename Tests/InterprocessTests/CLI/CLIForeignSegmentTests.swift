import Foundation
import Interprocess
import Testing

@Suite("CLI: foreign and broken segments never crash the tool", .timeLimit(.minutes(5)))
struct CLIForeignSegmentTests {
    private func writeFile(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: "/dev/shm/" + name))
    }

    @Test func foreignFileIsReportedAndExitsTwo() throws {
        let name = TestSupport.uniqueName("cli-foreign")
        defer { try? SharedMemory.remove(name) }
        try writeFile(name, Array("this is not a segment, just some text".utf8))

        let inspected = try TestSupport.cli("inspect", name, "--json")
        #expect(inspected.status == 2, "\(inspected)")
        let report = try #require(try CLIJSON.object(inspected.standardOutput)["segment"] as? [String: Any])
        #expect(report["verdict"] as? String == "foreign")
        #expect(report["ours"] as? Bool == false)
        #expect((report["problem"] as? String)?.contains("SWIFTIPC") == true)

        let listed = try TestSupport.cli("ls")
        #expect(listed.status == 0)
        #expect(listed.standardOutput.contains(name))
    }

    @Test func truncatedAndEmptyFilesAreReported() throws {
        let truncated = TestSupport.uniqueName("cli-trunc")
        let empty = TestSupport.uniqueName("cli-empty")
        defer {
            try? SharedMemory.remove(truncated)
            try? SharedMemory.remove(empty)
        }
        try writeFile(truncated, Array("SWIFTIPC".utf8) + [1, 0, 0])
        try writeFile(empty, [])

        let first = try TestSupport.cli("inspect", truncated, "--json")
        #expect(first.status == 2)
        #expect((try CLIJSON.object(first.standardOutput)["segment"] as? [String: Any])?["verdict"] as? String == "truncated")

        let second = try TestSupport.cli("inspect", empty)
        #expect(second.status == 2)
        #expect(second.standardOutput.contains("foreign"))

        let listed = try TestSupport.cli("ls", "--ours", "--json")
        #expect(listed.status == 0)
        let names = try CLIJSON.list(listed.standardOutput, "segments").compactMap { $0["name"] as? String }
        #expect(names.contains(truncated))
        #expect(!names.contains(empty))
    }
}

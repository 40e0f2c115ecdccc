import Foundation
import Interprocess
import Testing

@Suite("CLI: create → ls → inspect → rm", .timeLimit(.minutes(5)))
struct CLIRoundTripTests {
    @Test func createListInspectRemove() throws {
        let name = TestSupport.uniqueName("cli")
        defer { try? SharedMemory.remove(name) }

        let created = try TestSupport.cli("create", name, "--size", "4K", "--mode", "640")
        #expect(created.status == 0, "\(created)")
        #expect(created.standardOutput.contains("created raw \(name)"))

        let listed = try TestSupport.cli("ls", "--json")
        #expect(listed.status == 0, "\(listed)")
        let entry = try #require(try CLIJSON.list(listed.standardOutput, "segments").first { $0["name"] as? String == name })
        #expect(entry["fileSize"] as? Int == 4096 + SegmentHeader.size)
        #expect(entry["mode"] as? String == "0640")
        #expect(entry["verdict"] as? String == "valid")
        #expect(entry["ours"] as? Bool == true)

        let text = try TestSupport.cli("ls")
        #expect(text.status == 0)
        let row = try #require(text.standardOutput.split(separator: "\n").first { $0.hasPrefix(name + " ") })
        #expect(row.contains("raw") && row.contains("valid") && row.contains("0640"), "\(row)")

        let inspected = try TestSupport.cli("inspect", name, "--json")
        #expect(inspected.status == 0, "\(inspected)")
        let report = try #require(try CLIJSON.object(inspected.standardOutput)["segment"] as? [String: Any])
        let header = try #require(report["header"] as? [String: Any])
        #expect(header["magic"] as? String == "SWIFTIPC")
        #expect(header["kindName"] as? String == "raw")
        #expect(header["totalSize"] as? Int == 4096 + SegmentHeader.size)
        #expect(header["checksumValid"] as? Bool == true)
        // The CLI process that created it has exited.
        #expect(report["creatorLiveness"] as? String == "dead")

        // The segment the CLI made opens in this process as a valid raw segment.
        let segment = try Segment(open: name, kind: .raw, kindVersion: 1)
        #expect(segment.readableBody.count == 4096)

        let removed = try TestSupport.cli("rm", name)
        #expect(removed.status == 0, "\(removed)")
        #expect(!SharedMemory.exists(name))

        let again = try TestSupport.cli("inspect", name)
        #expect(again.status == 1)
        #expect(again.standardError.contains("does not exist"))
    }

    @Test func creatingAnExistingNameFails() throws {
        let name = TestSupport.uniqueName("cli-dup")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--size", "64").status == 0)
        let second = try TestSupport.cli("create", name, "--size", "64", "--json")
        #expect(second.status == 1)
        let error = try #require(try CLIJSON.object(second.standardOutput)["error"] as? [String: Any])
        #expect(error["code"] as? String == "alreadyExists")
    }

    @Test func badArgumentsAreUsageErrors() throws {
        #expect(try TestSupport.cli("create", "x", "--size", "lots").status == 64)
        #expect(try TestSupport.cli("create", "x", "--size", "1", "--mode", "999").status == 64)
        let badName = try TestSupport.cli("create", "no/slash", "--size", "1", "--json")
        #expect(badName.status == 64)
        #expect(badName.standardError.contains("not a valid segment name"), "\(badName)")
        let tooBig = try TestSupport.cli("create", TestSupport.uniqueName("huge"), "--size", "1000T", "--json")
        #expect(tooBig.status == 1)
        #expect(tooBig.standardOutput.contains("insufficientSpace"))
    }

    @Test func removingSeveralReportsEachAndFailsIfAnyFailed() throws {
        let present = TestSupport.uniqueName("cli-rm")
        let missing = TestSupport.uniqueName("cli-missing")
        defer { try? SharedMemory.remove(present) }
        _ = try SharedMemory(create: present, size: 64)
        let outcome = try TestSupport.cli("rm", missing, present, "--json")
        #expect(outcome.status == 1)
        let results = try CLIJSON.list(outcome.standardOutput, "results")
        #expect(results.map { $0["removed"] as? Bool } == [false, true])
        #expect(!SharedMemory.exists(present))
    }
}

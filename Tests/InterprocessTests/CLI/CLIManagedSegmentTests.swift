import Foundation
@testable import Interprocess
import Testing

/// `interprocess check`, `inspect`, `ls` and `gc` on managed segments.
@Suite("CLI: managed segments", .timeLimit(.minutes(1)))
struct CLIManagedSegmentTests {
    @Test("check verifies a heap and prints its statistics; inspect shows them; ls names the kind")
    func checkInspectList() throws {
        let name = TestSupport.uniqueName("cli-heap")
        defer { try? ManagedSegment.remove(name) }
        let created = try TestSupport.peer("heap-create", name, "1048576")
        #expect(created.status == 0, "\(created)")
        let check = try TestSupport.cli("check", name)
        #expect(check.status == 0, "\(check)")
        #expect(check.standardOutput.contains("heap verified"))
        #expect(check.standardOutput.contains("1 large and 1 small blocks"))
        let json = try TestSupport.cli("check", name, "--json")
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let statistics = (object?["report"] as? [String: Any])?["statistics"] as? [String: Any]
        #expect(statistics?["smallBlocks"] as? Int == 1)
        let inspect = try TestSupport.cli("inspect", name)
        #expect(inspect.status == 0, "\(inspect)")
        #expect(inspect.standardOutput.contains("managed-segment (12)"))
        #expect(inspect.standardOutput.contains("fragmentation"))
        let list = try TestSupport.cli("ls", "--ours")
        let line = list.standardOutput.split(separator: "\n").first { $0.contains(name) }
        #expect(line?.contains("managed-segment") == true, "\(list)")
    }

    @Test("check of a corrupt heap exits 2 naming the block; of another kind, wrongKind")
    func corruptAndWrongKind() throws {
        let name = TestSupport.uniqueName("cli-heap-bad")
        defer { try? ManagedSegment.remove(name) }
        let heap = try ManagedSegment(create: name, size: 1 << 20)
        let block = try heap.allocate(byteCount: 5000)
        heap.base.storeBytes(of: UInt64(3), toByteOffset: Int(block.rawValue) - 16, as: UInt64.self)
        let check = try TestSupport.cli("check", name)
        #expect(check.status == 2, "\(check)")
        #expect(check.standardError.contains("offset \(block.rawValue - 16)"), "\(check)")
        let other = TestSupport.uniqueName("cli-heap-raw")
        defer { try? Segment.remove(other) }
        _ = try Segment(create: other, bodySize: 4096)
        let wrong = try TestSupport.cli("check", other, "--json")
        #expect(wrong.status == 1)
        #expect(wrong.standardOutput.contains("wrongKind"))
    }

    @Test("gc removes a managed segment whose creator died and that nobody maps, and keeps one in use")
    func garbageCollection() throws {
        let prefix = TestSupport.uniqueName("cli-heap-gc")
        let abandoned = prefix + "-dead", live = prefix + "-live"
        defer {
            try? ManagedSegment.remove(abandoned)
            try? ManagedSegment.remove(live)
        }
        #expect(try TestSupport.peer("heap-create", abandoned, "1048576").status == 0)
        let mine = try ManagedSegment(create: live, size: 1 << 20)
        let collected = try TestSupport.cli("gc", "--prefix", prefix)
        #expect(collected.status == 0, "\(collected)")
        #expect(!SharedMemory.exists(abandoned))
        #expect(SharedMemory.exists(live))
        withExtendedLifetime(mine) {}
    }
}

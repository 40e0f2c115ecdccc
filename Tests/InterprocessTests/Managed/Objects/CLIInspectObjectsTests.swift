import Foundation
import Interprocess
import Testing

/// `interprocess inspect` on a managed segment: heap statistics and the named objects.
@Suite("CLI: inspect a managed segment's objects", .timeLimit(.minutes(1)))
struct CLIInspectObjectsTests {
    @Test("inspect lists every named object with its type, size, alignment, count and offset, in text and JSON")
    func listsObjects() throws {
        let name = TestSupport.uniqueName("inspect-objects")
        defer { try? ManagedSegment.remove(name) }
        let segment = try ManagedSegment(create: name, size: 1 << 20)
        let samples = try segment.construct(Double.self, named: "samples", count: 100) { Double($0) }
        try segment.constructUnique(UInt32.self, typeName: "demo.Version") { _ in 3 }

        let text = try TestSupport.cli("inspect", name)
        #expect(text.status == 0, "\(text)")
        #expect(text.standardOutput.contains("'samples':"), "\(text)")
        #expect(text.standardOutput.contains("Swift.Double × 100 (8 B, align 8) at offset \(samples.offset.rawValue)"), "\(text)")
        #expect(text.standardOutput.contains("demo.Version × 1 (4 B, align 4)"), "\(text)")
        #expect(text.standardOutput.contains("objects:") && text.standardOutput.contains("used:"), "\(text)")

        let json = try TestSupport.cli("inspect", name, "--json")
        #expect(json.status == 0, "\(json)")
        let state = try CLIJSON.member(json.standardOutput, "state")
        let objects = try #require(state["objects"] as? [[String: Any]], "\(json)")
        #expect(objects.count == 2)
        let first = try #require(objects.first { $0["name"] as? String == "samples" })
        #expect(first["typeName"] as? String == "Swift.Double" && first["count"] as? Int == 100)
        #expect(first["size"] as? Int == 8 && first["alignment"] as? Int == 8 && first["stride"] as? Int == 8)
        #expect(first["offset"] as? UInt64 == samples.offset.rawValue && first["isUnique"] as? Bool == false)
        let statistics = try #require(state["statistics"] as? [String: Any])
        #expect((statistics["used"] as? Int ?? 0) >= 800)
    }

    @Test("a damaged directory is reported beside the heap statistics, not instead of them")
    func damagedDirectory() throws {
        let name = TestSupport.uniqueName("inspect-damaged")
        defer { try? ManagedSegment.remove(name) }
        let segment = try ManagedSegment(create: name, size: 1 << 20)
        let object = try segment.construct(UInt8.self, named: "x") { _ in 1 }
        // The only entry: the block with the entry magic that names the object's offset at byte 16.
        let info = try #require(try segment.namedObjects.first)
        #expect(info.offset == object.offset)
        var damaged = false
        for candidate in stride(from: UInt64(16), to: UInt64(segment.size), by: 8) {
            guard let word = try? segment.pointer(at: SegmentOffset(rawValue: candidate), byteCount: 24),
                  word.load(as: UInt32.self) == 0x454F_5049, word.load(fromByteOffset: 16, as: UInt64.self) == object.offset.rawValue else { continue }
            word.storeBytes(of: 0xDEAD, as: UInt32.self)
            damaged = true
        }
        #expect(damaged)
        let text = try TestSupport.cli("inspect", name)
        #expect(text.standardOutput.contains("objects:") && text.standardOutput.contains("unreadable"), "\(text)")
        #expect(text.standardOutput.contains("used:"), "\(text)")
    }
}

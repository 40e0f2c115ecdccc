import Foundation
import Interprocess
import Testing

/// Named objects between real processes: typed errors seen by a peer, the findOrConstruct race,
/// and relative pointers between objects mapped at other addresses.
@Suite("Named objects across processes", .timeLimit(.minutes(1)))
struct NamedObjectsCrossProcessTests {
    static let size = 1 << 20

    /// A managed segment under a fresh name, removed after `body`.
    func withSegment(_ label: String, _ body: (ManagedSegment, String) throws -> Void) throws {
        let name = TestSupport.uniqueName(label)
        defer { try? ManagedSegment.remove(name) }
        try body(try ManagedSegment(create: name, size: Self.size), name)
    }

    @Test("a peer finds an object by name, and gets typed errors for a wrong type, a missing name and a duplicate")
    func typedErrors() throws {
        try withSegment("objects-errors") { segment, name in
            try segment.construct(UInt64.self, named: "counter", count: 3) { UInt64(10 + $0) }
            var outcome = try TestSupport.peer("objects-find", name, "counter", "u64")
            #expect(outcome.standardOutput == "found 3 10 11 12\n", "\(outcome)")
            outcome = try TestSupport.peer("objects-find", name, "counter", "i32")
            #expect(outcome.status == 1 && outcome.standardOutput == "error wrongKind\n", "\(outcome)")
            #expect(outcome.standardError.contains("Swift.UInt64") && outcome.standardError.contains("Swift.Int32"), "\(outcome)")
            outcome = try TestSupport.peer("objects-find", name, "nothing", "u64")
            #expect(outcome.standardOutput == "missing\n", "\(outcome)")
            outcome = try TestSupport.peer("objects-construct", name, "counter", "5")
            #expect(outcome.status == 1 && outcome.standardOutput == "error alreadyExists\n", "\(outcome)")
            outcome = try TestSupport.peer("objects-construct", name, "fresh", "5")
            #expect(outcome.status == 0, "\(outcome)")
            let fresh = try #require(try segment.find(UInt64.self, named: "fresh"))
            #expect(outcome.standardOutput == "constructed \(fresh.offset.offset.rawValue)\n")
            #expect(try segment.withSpan(of: fresh.offset, count: fresh.count) { span in (0..<5).map { span[$0] } } == [0, 1, 2, 3, 4])
        }
    }

    @Test("processes racing findOrConstruct end up with one object: one constructs, the others find it")
    func findOrConstructRace() throws {
        try withSegment("objects-race") { segment, name in
            for round in 0..<3 {
                let start = Deadline.after(.milliseconds(400)).nanoseconds
                let peers = try (0..<4).map { _ in try TestSupport.BackgroundPeer(["objects-race", name, "shared-\(round)", String(start)]) }
                let lines = try peers.map { peer in
                    let outcome = try peer.wait()
                    #expect(outcome.status == 0, "\(outcome)")
                    return outcome.standardOutput.split(separator: " ").map(String.init)
                }
                #expect(lines.filter { $0.first == "constructed" }.count == 1, "\(lines)")
                #expect(Set(lines.map { $0.dropFirst().joined(separator: " ") }).count == 1, "all saw one offset and value: \(lines)")
                let found = try #require(try segment.find(UInt64.self, named: "shared-\(round)"))
                #expect(found.count == 64 && lines.first?[1] == String(found.offset.offset.rawValue))
            }
            #expect(try segment.namedObjects.count == 3)
            _ = try segment.verify()
        }
    }

    @Test("relative pointers between objects stay valid in a process that maps the segment elsewhere")
    func relativePointersInAnotherProcess() throws {
        try withSegment("objects-relptr") { segment, name in
            typealias Node = RelativePointerFixtures.Node
            let typeName = "interprocess-tests.Node"
            // Nodes in three objects: an array of 3, then two anonymous ones, linked out of order.
            let array = try segment.construct(Node.self, named: "list", count: 3, typeName: typeName) { Node(value: Int64($0), next: RelativePointer()) }
            let far = try segment.construct(Node.self) { _ in Node(value: 100, next: RelativePointer()) }
            let near = try segment.construct(Node.self) { _ in Node(value: 200, next: RelativePointer()) }
            let order = [array, try #require(array.advanced(by: 2)), far, try #require(array.advanced(by: 1)), near]
            for (from, to) in zip(order, order.dropFirst()) {
                try segment.storeRelativePointer(to, at: from.offset + 8)
            }
            #expect(try segment.loadRelativePointer(at: near.offset + 8, as: Node.self) == nil)
            let outcome = try TestSupport.peer("objects-walk", name, "list")
            #expect(outcome.standardOutput == "values 0 2 100 1 200\n", "\(outcome)")
            // The raw pointer form agrees here too.
            let first = try segment.pointer(to: array)
            let second = try #require(first.pointer(to: \.next)!.target())
            #expect(segment.typedOffset(of: second) == order[1])
        }
    }
}

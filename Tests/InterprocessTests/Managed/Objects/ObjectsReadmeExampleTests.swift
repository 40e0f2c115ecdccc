import Interprocess
import Testing

/// The README's named-object example, compiled and run.
@Suite("README: named objects and relative pointers", .timeLimit(.minutes(1)))
struct ObjectsReadmeExampleTests {
    struct Node: BitwiseCopyable { var value: Int; var next: RelativePointer<Node> }

    @Test func example() throws {
        let name = TestSupport.uniqueName("graph")
        defer { try? ManagedSegment.remove(name) }
        let segment = try ManagedSegment(openOrCreate: name, size: 1 << 20)
        let nodes = try segment.findOrConstruct(Node.self, named: "nodes", count: 2) { index in
            Node(value: index, next: RelativePointer())
        }
        let first = try segment.pointer(to: nodes.offset, count: 2)
        first.pointer(to: \.next)!.setTarget(first + 1)
        try segment.withMutableSpan(of: nodes.offset, count: 2) { span in span[1].value += 1 }

        let other = try ManagedSegment(open: name)
        let (found, count) = try #require(try other.find(Node.self, named: "nodes"))
        let second = try #require(try other.pointer(to: found).pointer(to: \.next)!.target())
        #expect(count == 2 && second.pointee.value == 2)
        #expect(try other.namedObjects.map { "\($0.name) \($0.typeName) \($0.count)" } == ["nodes \(String(reflecting: Node.self)) 2"])
    }
}

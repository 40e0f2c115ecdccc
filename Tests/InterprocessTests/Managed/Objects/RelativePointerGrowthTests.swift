import Foundation
import Interprocess
import Testing

/// Relative pointers across online growth: three processes walk a chain of nodes while this one
/// grows the segment and appends objects in the new space, linked across the old end.
@Suite("Relative pointers while the segment grows", .timeLimit(.minutes(1)))
struct RelativePointerGrowthTests {
    typealias Node = RelativePointerFixtures.Node
    static let typeName = "interprocess-tests.Node"
    /// Nodes per object: 16 KiB, a large block (small ones come from slabs in the old space).
    static let perObject = 1024

    @Test("3 peers follow relative pointers into space grown after they attached, see every object, and write there")
    func growthWhilePeersWalk() throws {
        let name = TestSupport.uniqueName("objects-grow")
        defer { try? ManagedSegment.remove(name) }
        let initial = 1 << 20
        let segment = try ManagedSegment(create: name, size: initial)
        var tail = try segment.construct(Node.self, named: "chain", count: Self.perObject, typeName: Self.typeName) {
            Node(value: Int64($0), next: RelativePointer())
        }
        func link(_ nodes: TypedSegmentOffset<Node>, count: Int) throws {
            for index in 0..<(count - 1) { try segment.storeRelativePointer(nodes.advanced(by: index + 1), at: try #require(nodes.advanced(by: index)).offset + 8) }
        }
        try link(tail, count: Self.perObject)
        tail = try #require(tail.advanced(by: Self.perObject - 1))
        let peers = try (0..<3).map { try TestSupport.BackgroundPeer(["objects-grow-walk", name, String($0)]) }
        usleep(100_000)

        var size = initial
        var beyond = 0
        var fillers: [SegmentOffset] = []   // kept until the end, so that no old space frees up
        for round in 1...8 {
            let oldSize = segment.size
            size += 1 << 20
            try segment.grow(to: size)
            // A filler takes all but the end of the largest free block (the old space's free tail
            // merged with the new part), so that the nodes land past the old end.
            let filler = try? segment.allocate(byteCount: max(1, segment.statistics.largestFreeBlock - (64 << 10)))
            let nodes = try segment.construct(Node.self, named: "grown-\(round)", count: Self.perObject, typeName: Self.typeName) {
                Node(value: Int64(round * 10_000 + $0), next: RelativePointer())
            }
            if nodes.offset.rawValue >= UInt64(oldSize) { beyond += 1 }
            if round == 1 {
                // The peers write their walk counts here: in space grown after they attached.
                let tally = try segment.construct(UInt64.self, named: "tally", count: 4096) { _ in 0 }   // 32 KiB: larger than any hole left in the old space
                #expect(tally.offset.rawValue >= UInt64(initial))
            }
            try link(nodes, count: Self.perObject)
            try segment.storeRelativePointer(nodes, at: tail.offset + 8)   // publish: the old tail points past the old end
            tail = try #require(nodes.advanced(by: Self.perObject - 1))
            if let filler { fillers.append(filler) }
            usleep(30_000)
        }
        #expect(beyond >= 6, "only \(beyond) of 8 grown objects landed past the old end")
        try segment.construct(UInt8.self, named: "stop") { _ in 1 }
        var walks: [UInt64] = []
        for peer in peers {
            let outcome = try peer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            let words = outcome.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" })
            #expect(words.count == 8 && Int(words[1]).map { $0 >= 2 } == true && words[5] == "0" && words[7] == "\(Self.perObject * 9)", "\(outcome)")
            walks.append(words.count > 1 ? UInt64(words[1]) ?? 0 : 0)
        }
        let (tally, _) = try #require(try segment.find(UInt64.self, named: "tally"))
        #expect(try segment.withSpan(of: tally, count: 3) { span in (0..<3).map { span[$0] } } == walks, "each peer's last write is there")
        #expect(segment.size == size)
        for filler in fillers { try segment.deallocate(filler) }
        _ = try segment.verify()
    }
}

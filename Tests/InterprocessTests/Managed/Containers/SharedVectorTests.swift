import Interprocess
import Testing

@Suite("SharedVector and SharedString", .timeLimit(.minutes(1)))
struct SharedVectorTests {
    @Test("append, read, update, remove and grow; a second handle sees the same elements")
    func basics() throws {
        try ContainerFixtures.withSegment("vector-basics") { segment, _ in
            let vector = try SharedVector<UInt64>(create: "numbers", in: segment)
            #expect(vector.wasCreated)
            #expect(try vector.isEmpty && vector.capacity == 0)
            for value in 0..<1000 as Range<UInt64> { try vector.append(value * 3) }
            try vector.append(contentsOf: [7, 8, 9])
            #expect(try vector.count == 1003 && vector.capacity >= 1003)
            #expect(try vector.element(at: 10) == 30)
            try vector.updateElement(at: 10, to: 31)
            let other = try SharedVector<UInt64>(open: "numbers", in: segment)
            #expect(!other.wasCreated)
            #expect(try other.element(at: 10) == 31)
            #expect(try other.removeLast() == 9)
            let sum = try other.withSpan { span in (0..<span.count).reduce(UInt64(0)) { $0 &+ span[$1] } }
            let expected: UInt64 = (0..<1000 as Range<UInt64>).reduce(0) { $0 + $1 * 3 } + 1 + 7 + 8
            #expect(sum == expected)
            #expect(try vector.elements.suffix(2) == [7, 8])
            #expect(throws: InterprocessError.self) { try vector.element(at: 1002) }
            try vector.reserveCapacity(5000)
            #expect(try vector.capacity >= 5000 && vector.count == 1002)
            try vector.removeAll(keepingCapacity: true)
            #expect(try vector.count == 0 && vector.capacity >= 5000)
            try vector.removeAll()
            #expect(try vector.capacity == 0 && vector.removeLast() == nil)
            try SharedVector<UInt64>.remove("numbers", in: segment)
            #expect(try segment.namedObjects.isEmpty)
        }
    }

    @Test("typed errors: missing name, duplicate create, wrong element type, another kind of container")
    func typedErrors() throws {
        try ContainerFixtures.withSegment("vector-errors") { segment, _ in
            #expect { try SharedVector<UInt64>(open: "absent", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
            _ = try SharedVector<UInt64>(create: "v", in: segment)
            #expect { try SharedVector<UInt64>(create: "v", in: segment) } throws: { ($0 as? InterprocessError)?.code == .alreadyExists }
            #expect { try SharedVector<Int32>(open: "v", in: segment) } throws: { error in
                let error = error as? InterprocessError
                return error?.code == .wrongKind && "\(error!)".contains("Swift.UInt64") && "\(error!)".contains("Swift.Int32")
            }
            #expect { try SharedString(open: "v", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            #expect { try SharedDictionary<UInt64, UInt64>(open: "v", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            #expect { try SharedVector<UInt64>.remove("absent", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
            #expect { try SharedVector<UInt64>(create: "neg", in: segment, capacity: -1) } throws: { ($0 as? InterprocessError)?.code == .invalidArgument }
            let reopened = try SharedVector<UInt64>(openOrCreate: "v", in: segment, capacity: 8)
            #expect(!reopened.wasCreated)
        }
    }

    @Test("a storage word no writer wrote is corrupt, not a crash")
    func corruptStorage() throws {
        try ContainerFixtures.withSegment("vector-corrupt") { segment, _ in
            let vector = try SharedVector<UInt64>(create: "v", in: segment, capacity: 4)
            try vector.append(1)
            // The header is the block right after the anchor's: find it through the storage word's neighbours.
            let header = try #require(try headerOf("v", in: segment))
            let storage = try segment.pointer(at: header + 16, byteCount: 8)
            let saved = storage.load(as: UInt64.self)
            for bad: UInt64 in [3, UInt64(segment.size) + 4096, .max - 15] {
                storage.storeBytes(of: bad, as: UInt64.self)
                #expect { try vector.count } throws: { ($0 as? InterprocessError)?.code == .corrupt }
            }
            storage.storeBytes(of: saved, as: UInt64.self)
            #expect(try vector.elements == [1])
        }
    }

    @Test("a string: set, append, read in place, typed errors")
    func string() throws {
        try ContainerFixtures.withSegment("string-basics") { segment, _ in
            let status = try SharedString(create: "status", in: segment, initialValue: "starting")
            try status.append(" — ready")
            #expect(try status.value == "starting — ready")
            let other = try SharedString(openOrCreate: "status", in: segment, initialValue: "ignored")
            #expect(!other.wasCreated)
            #expect(try other.value == "starting — ready")
            try other.set("done")
            #expect(try status.value == "done" && status.byteCount == 4)
            #expect(try status.withBytes { $0.starts(with: "do".utf8) })
            #expect(try status.withRawSpan { $0.byteCount } == 4)
            try status.removeAll()
            #expect(try status.value == "")
            #expect { try SharedString(create: "status", in: segment) } throws: { ($0 as? InterprocessError)?.code == .alreadyExists }
            #expect { try SharedString(open: "nothing", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
            try SharedString.remove("status", in: segment)
            #expect { try SharedString(open: "status", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
        }
    }

    /// The header offset of container `name`: its anchor object's first word.
    func headerOf(_ name: String, in segment: ManagedSegment) throws -> SegmentOffset? {
        guard let info = try segment.namedObjects.first(where: { $0.name == name }) else { return nil }
        return SegmentOffset(rawValue: try segment.pointer(at: info.offset, byteCount: 8).load(as: UInt64.self))
    }
}

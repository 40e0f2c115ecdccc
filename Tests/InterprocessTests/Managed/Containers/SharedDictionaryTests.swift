import Interprocess
import Testing

@Suite("SharedDictionary", .timeLimit(.minutes(1)))
struct SharedDictionaryTests {
    @Test("insert, replace, look up, remove; collisions in one bucket; count; a second handle")
    func basics() throws {
        try ContainerFixtures.withSegment("dict-basics") { segment, _ in
            // One bucket and one stripe: every key collides, so the chain handling is exercised.
            let map = try SharedDictionary<UInt64, UInt64>(create: "squares", in: segment, bucketCount: 1, stripeCount: 1)
            for key in 0..<200 as Range<UInt64> { #expect(try map.updateValue(key * key, forKey: key) == nil) }
            #expect(map.count == 200)
            #expect(try map.updateValue(1, forKey: 7) == 49)
            #expect(try map.value(forKey: 7) == 1 && map.value(forKey: 8) == 64 && map.value(forKey: 999) == nil)
            #expect(try map.contains(199) && !map.contains(200))
            #expect(try map.removeValue(forKey: 0) == 0 && map.removeValue(forKey: 0) == nil)
            #expect(try map.removeValue(forKey: 199) == 199 * 199)
            #expect(map.count == 198)
            let other = try SharedDictionary<UInt64, UInt64>(openOrCreate: "squares", in: segment)
            #expect(!other.wasCreated && other.geometry == (1, 1))
            #expect(try Set(other.elements.map(\.key)) == Set(1..<199))
            #expect(try other.withValue(forKey: 3) { $0.load(as: UInt64.self) } == 9)
            try SharedDictionary<UInt64, UInt64>.remove("squares", in: segment)
            #expect(try segment.namedObjects.isEmpty)
        }
    }

    @Test("String keys and values of any length; keys equal by their bytes")
    func strings() throws {
        try ContainerFixtures.withSegment("dict-strings") { segment, _ in
            let map = try SharedDictionary<String, String>(create: "names", in: segment, bucketCount: 64, stripeCount: 4)
            let long = String(repeating: "é", count: 5000)
            try map.updateValue("one", forKey: "1")
            try map.updateValue(long, forKey: "long")
            try map.updateValue("", forKey: "")
            #expect(try map.value(forKey: "1") == "one" && map.value(forKey: "long") == long && map.value(forKey: "") == "")
            #expect(try map.value(forKey: "1 ") == nil)
            // "é" precomposed and decomposed are equal Strings but different bytes: two keys.
            try map.updateValue("precomposed", forKey: "\u{e9}")
            try map.updateValue("decomposed", forKey: "e\u{301}")
            #expect(try map.value(forKey: "\u{e9}") == "precomposed" && map.value(forKey: "e\u{301}") == "decomposed")
            #expect(map.count == 5)
            let mixed = try SharedDictionary<String, UInt64>(create: "ids", in: segment)
            try mixed.updateValue(42, forKey: "answer")
            #expect(try mixed.value(forKey: "answer") == 42)
        }
    }

    @Test("typed errors: missing name, duplicate create, wrong key or value type, bad geometry")
    func typedErrors() throws {
        try ContainerFixtures.withSegment("dict-errors") { segment, _ in
            #expect { try SharedDictionary<UInt64, UInt64>(open: "absent", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
            _ = try SharedDictionary<UInt64, String>(create: "m", in: segment)
            #expect { try SharedDictionary<UInt64, String>(create: "m", in: segment) } throws: { ($0 as? InterprocessError)?.code == .alreadyExists }
            #expect { try SharedDictionary<UInt64, UInt64>(open: "m", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            #expect { try SharedDictionary<String, String>(openOrCreate: "m", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            #expect { try SharedVector<UInt64>(open: "m", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            for (buckets, stripes) in [(0, 1), (3, 1), (8, 0), (8, 16), (1 << 25, 1), (128, 65)] {
                #expect { try SharedDictionary<UInt64, UInt64>(create: "g", in: segment, bucketCount: buckets, stripeCount: stripes) } throws: {
                    ($0 as? InterprocessError)?.code == .invalidArgument
                }
            }
            #expect(try segment.namedObjects.map(\.name) == ["m"])
        }
    }

    @Test("a chain with a cycle or a link outside the heap is corrupt, not a hang or a crash")
    func corruptChains() throws {
        try ContainerFixtures.withSegment("dict-corrupt") { segment, _ in
            let map = try SharedDictionary<UInt64, UInt64>(create: "m", in: segment, bucketCount: 1, stripeCount: 1)
            try map.updateValue(1, forKey: 1)
            try map.updateValue(2, forKey: 2)
            // The header's bucket-array word, then the single bucket: its head node links to the second.
            let info = try #require(try segment.namedObjects.first)
            let header = SegmentOffset(rawValue: try segment.pointer(at: info.offset, byteCount: 8).load(as: UInt64.self))
            let array = SegmentOffset(rawValue: try segment.pointer(at: header + 16, byteCount: 8).load(as: UInt64.self))
            let head = try segment.pointer(at: array, byteCount: 8)
            let first = SegmentOffset(rawValue: head.load(as: UInt64.self))
            let link = try segment.pointer(at: first, byteCount: 8)
            let saved = link.load(as: UInt64.self)
            link.storeBytes(of: first.rawValue, as: UInt64.self)   // the node links to itself
            #expect { try map.value(forKey: 99) } throws: { ($0 as? InterprocessError)?.code == .corrupt }
            link.storeBytes(of: UInt64(segment.size) + 64, as: UInt64.self)
            #expect { try map.value(forKey: 99) } throws: { ($0 as? InterprocessError)?.code == .corrupt }
            link.storeBytes(of: saved, as: UInt64.self)
            #expect(try map.value(forKey: 1) == 1 && map.value(forKey: 2) == 2)
        }
    }
}

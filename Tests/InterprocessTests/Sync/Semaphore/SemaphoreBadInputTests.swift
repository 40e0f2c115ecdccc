@testable import Interprocess
import Testing

extension ProcessSemaphoreTests {
    /// Misplaced, uninitialized, foreign and mismatched semaphores are typed errors.
    @Suite("bad input", .timeLimit(.minutes(5)))
    struct SemaphoreBadInputTests {
        static func code(_ body: () throws -> Void) -> InterprocessError.Code? {
            errorCode(of: body)
        }

        @Test("a misaligned address is invalidArgument, for initialize and placedAt")
        func misaligned() {
            PlacedBuffer.with { base in
                for offset in [1, 4, 8, 32] {
                    #expect(Self.code { try ProcessSemaphore.initialize(at: base + offset) } == .invalidArgument)
                    #expect(Self.code { _ = try ProcessSemaphore(placedAt: base + offset) } == .invalidArgument)
                }
                #expect(PlacedBuffer.word(base, 0) == 0, "nothing was written")
            }
        }

        @Test("out-of-range counts are invalidArgument")
        func badCounts() {
            PlacedBuffer.with { base in
                #expect(Self.code { try ProcessSemaphore.initialize(at: base, initialCount: 5, maximumCount: 4) } == .invalidArgument)
                #expect(Self.code { try ProcessSemaphore.initialize(at: base, initialCount: 0, maximumCount: 0) } == .invalidArgument)
                #expect(Self.code { try ProcessSemaphore.initialize(at: base, initialCount: -1) } == .invalidArgument)
                #expect(Self.code { try ProcessSemaphore.initialize(at: base, maximumCount: ProcessSemaphore.maximumCountLimit + 1) } == .invalidArgument)
                #expect(Self.code { _ = try ProcessSemaphore(create: TestSupport.uniqueName("sem-bad"), initialCount: 2, maximumCount: 1) } == .invalidArgument)
            }
        }

        @Test("zeroed or garbage memory is corrupt; an event there is wrongKind; another version is incompatibleVersion")
        func notASemaphore() throws {
            PlacedBuffer.with { base in
                #expect(Self.code { _ = try ProcessSemaphore(placedAt: base) } == .corrupt)
                base.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 256)
                #expect(Self.code { _ = try ProcessSemaphore(placedAt: base) } == .corrupt)
            }
            try PlacedBuffer.with { base in
                try ProcessEvent.initialize(at: base, mode: .autoReset)
                #expect(Self.code { _ = try ProcessSemaphore(placedAt: base) } == .wrongKind)
            }
            try PlacedBuffer.with { base in
                try ProcessSemaphore.initialize(at: base, initialCount: 1)
                base.storeBytes(of: UInt32(2).littleEndian, toByteOffset: 4, as: UInt32.self)
                #expect(Self.code { _ = try ProcessSemaphore(placedAt: base) } == .incompatibleVersion)
            }
            try PlacedBuffer.with { base in
                try ProcessSemaphore.initialize(at: base, initialCount: 1, maximumCount: 5)
                base.storeBytes(of: UInt32(9).littleEndian, toByteOffset: 8, as: UInt32.self)
                #expect(Self.code { _ = try ProcessSemaphore(placedAt: base) } == .corrupt, "count above the maximum")
            }
        }

        @Test("a named semaphore whose segment is of another kind is wrongKind; of another version, incompatibleVersion")
        func namedMismatch() throws {
            let event = TestSupport.uniqueName("sem-kind")
            defer { try? Segment.remove(event) }
            _ = try ProcessEvent(create: event, mode: .manualReset)
            #expect(Self.code { _ = try ProcessSemaphore(open: event) } == .wrongKind)

            let raw = TestSupport.uniqueName("sem-raw")
            defer { try? Segment.remove(raw) }
            _ = try Segment(create: raw, bodySize: 64)
            #expect(Self.code { _ = try ProcessSemaphore(open: raw) } == .wrongKind)

            let future = TestSupport.uniqueName("sem-v2")
            defer { try? Segment.remove(future) }
            _ = try Segment(create: future, kind: .semaphore, kindVersion: 2, bodySize: 64)
            #expect(Self.code { _ = try ProcessSemaphore(open: future) } == .incompatibleVersion)

            let peer = try TestSupport.peer("sem-post", event, "1")
            #expect(peer.standardOutput == "error wrongKind\n", "\(peer)")
        }

        @Test("creating an existing name is alreadyExists; opening a missing one, notFound")
        func namedLifecycle() throws {
            let name = TestSupport.uniqueName("sem-life")
            defer { try? ProcessSemaphore.remove(name) }
            let semaphore = try ProcessSemaphore(create: name, initialCount: 1)
            #expect(semaphore.name == name)
            #expect(Self.code { _ = try ProcessSemaphore(create: name) } == .alreadyExists)
            try ProcessSemaphore.remove(name)
            #expect(Self.code { _ = try ProcessSemaphore(open: name) } == .notFound)
            #expect(semaphore.tryWait() == true, "a removed semaphore still works for handles that have it")
        }
    }
}

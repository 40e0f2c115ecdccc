@testable import Interprocess
import Testing

extension ProcessEventTests {
    /// Misplaced, uninitialized, foreign and mismatched events are typed errors.
    @Suite("bad input", .timeLimit(.minutes(5)))
    struct EventBadInputTests {
        @Test("a misaligned address is invalidArgument, for initialize and placedAt")
        func misaligned() {
            PlacedBuffer.with { base in
                for offset in [1, 4, 8, 32] {
                    #expect(errorCode { try ProcessEvent.initialize(at: base + offset, mode: .autoReset) } == .invalidArgument)
                    #expect(errorCode { _ = try ProcessEvent(placedAt: base + offset) } == .invalidArgument)
                }
                #expect(PlacedBuffer.word(base, 0) == 0, "nothing was written")
            }
        }

        @Test("zeroed or garbage memory is corrupt; a semaphore there is wrongKind; another version is incompatibleVersion; a bad mode is corrupt")
        func notAnEvent() throws {
            PlacedBuffer.with { base in
                #expect(errorCode { _ = try ProcessEvent(placedAt: base) } == .corrupt)
                base.initializeMemory(as: UInt8.self, repeating: 0x5A, count: 256)
                #expect(errorCode { _ = try ProcessEvent(placedAt: base) } == .corrupt)
            }
            try PlacedBuffer.with { base in
                try ProcessSemaphore.initialize(at: base)
                #expect(errorCode { _ = try ProcessEvent(placedAt: base) } == .wrongKind)
            }
            try PlacedBuffer.with { base in
                try ProcessEvent.initialize(at: base, mode: .manualReset)
                base.storeBytes(of: UInt32(7).littleEndian, toByteOffset: 4, as: UInt32.self)
                #expect(errorCode { _ = try ProcessEvent(placedAt: base) } == .incompatibleVersion)
            }
            try PlacedBuffer.with { base in
                try ProcessEvent.initialize(at: base, mode: .manualReset)
                base.storeBytes(of: UInt32(3).littleEndian, toByteOffset: 16, as: UInt32.self)
                #expect(errorCode { _ = try ProcessEvent(placedAt: base) } == .corrupt)
            }
        }

        @Test("a named event whose segment is of another kind is wrongKind; of another version, incompatibleVersion")
        func namedMismatch() throws {
            let semaphore = TestSupport.uniqueName("ev-kind")
            defer { try? Segment.remove(semaphore) }
            _ = try ProcessSemaphore(create: semaphore)
            #expect(errorCode { _ = try ProcessEvent(open: semaphore) } == .wrongKind)

            let future = TestSupport.uniqueName("ev-v2")
            defer { try? Segment.remove(future) }
            _ = try Segment(create: future, kind: .event, kindVersion: 2, bodySize: 64)
            #expect(errorCode { _ = try ProcessEvent(open: future) } == .incompatibleVersion)

            let peer = try TestSupport.peer("event-set", future)
            #expect(peer.standardOutput == "error incompatibleVersion\n", "\(peer)")
        }

        @Test("creating an existing name is alreadyExists; opening a missing one, notFound; the mode survives opening")
        func namedLifecycle() throws {
            let name = TestSupport.uniqueName("ev-life")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .manualReset, initiallySet: true)
            #expect(event.name == name)
            #expect(errorCode { _ = try ProcessEvent(create: name, mode: .autoReset) } == .alreadyExists)
            let opened = try ProcessEvent(open: name)
            #expect(opened.mode == .manualReset)
            #expect(opened.isSet == true)
            try ProcessEvent.remove(name)
            #expect(errorCode { _ = try ProcessEvent(open: name) } == .notFound)
        }
    }
}

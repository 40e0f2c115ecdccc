import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// Misplaced, uninitialized, foreign, or wrongly typed memory and segments are typed errors.
    @Suite("ProcessMutex and ProcessCondition bad input", .timeLimit(.minutes(5)))
    struct MutexBadInputTests {
        /// 512 bytes of private memory aligned to 128, filled with `byte`.
        static func withMemory(filledWith byte: UInt8 = 0, _ body: (UnsafeMutableRawPointer) throws -> Void) rethrows {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 128)
            defer { memory.deallocate() }
            memory.initializeMemory(as: UInt8.self, repeating: byte, count: 512)
            try body(memory)
        }

        @Test("misaligned placement is invalidArgument", arguments: [1, 8, 32, 96])
        func misaligned(offset: Int) throws {
            Self.withMemory { memory in
                let address = memory + offset
                #expect(interprocessError { try ProcessMutex.initialize(at: address) }?.code == .invalidArgument)
                #expect(interprocessError { _ = try ProcessMutex(placedAt: address) }?.code == .invalidArgument)
                #expect(interprocessError { try ProcessCondition.initialize(at: address) }?.code == .invalidArgument)
                #expect(interprocessError { _ = try ProcessCondition(placedAt: address) }?.code == .invalidArgument)
            }
        }

        @Test("zeroed or garbage memory is corrupt, never a crash", arguments: [UInt8(0), 0xAB, 0xFF])
        func uninitialized(byte: UInt8) throws {
            Self.withMemory(filledWith: byte) { memory in
                #expect(interprocessError { _ = try ProcessMutex(placedAt: memory) }?.code == .corrupt)
                #expect(interprocessError { _ = try ProcessCondition(placedAt: memory) }?.code == .corrupt)
            }
        }

        @Test("a condition opened as a mutex, or a mutex as a condition, is wrongKind")
        func placedWrongKind() throws {
            try Self.withMemory { memory in
                try ProcessCondition.initialize(at: memory)
                try ProcessMutex.initialize(at: memory + 128)
                #expect(interprocessError { _ = try ProcessMutex(placedAt: memory) }?.code == .wrongKind)
                #expect(interprocessError { _ = try ProcessCondition(placedAt: memory + 128) }?.code == .wrongKind)
                _ = try ProcessCondition(placedAt: memory)
                _ = try ProcessMutex(placedAt: memory + 128)
            }
        }

        @Test("another layout version or object size is incompatibleVersion; unknown flags are corrupt")
        func placedVersionAndABI() throws {
            try Self.withMemory { memory in
                try ProcessMutex.initialize(at: memory)
                try ProcessCondition.initialize(at: memory + 128)
                for address in [memory, memory + 128] {
                    address.storeBytes(of: UInt32(7), toByteOffset: ProcessMutex.Field.layoutVersion.offset, as: UInt32.self)
                }
                #expect(interprocessError { _ = try ProcessMutex(placedAt: memory) }?.code == .incompatibleVersion)
                #expect(interprocessError { _ = try ProcessCondition(placedAt: memory + 128) }?.code == .incompatibleVersion)

                try ProcessMutex.initialize(at: memory)
                memory.storeBytes(of: UInt32(40), toByteOffset: ProcessMutex.Field.objectSize.offset, as: UInt32.self)
                #expect(interprocessError { _ = try ProcessMutex(placedAt: memory) }?.code == .incompatibleVersion)

                try ProcessMutex.initialize(at: memory)
                memory.storeBytes(of: UInt32(0x10), toByteOffset: ProcessMutex.Field.flags.offset, as: UInt32.self)
                #expect(interprocessError { _ = try ProcessMutex(placedAt: memory) }?.code == .corrupt)
            }
        }

        @Test("a named mutex or condition whose segment is of another kind is wrongKind")
        func namedWrongKind() throws {
            let raw = TestSupport.uniqueName("mx-kind-raw")
            let condition = TestSupport.uniqueName("mx-kind-cv")
            let mutex = TestSupport.uniqueName("mx-kind-mx")
            defer { [raw, condition, mutex].forEach { try? Segment.remove($0) } }
            _ = try Segment(create: raw, bodySize: 512)
            _ = try ProcessCondition(create: condition)
            _ = try ProcessMutex(create: mutex)
            #expect(interprocessError { _ = try ProcessMutex(open: raw) }?.code == .wrongKind)
            #expect(interprocessError { _ = try ProcessMutex(open: condition) }?.code == .wrongKind)
            #expect(interprocessError { _ = try ProcessCondition(open: raw) }?.code == .wrongKind)
            #expect(interprocessError { _ = try ProcessCondition(open: mutex) }?.code == .wrongKind)
            #expect(interprocessError { _ = try ProcessMutex(open: TestSupport.uniqueName("mx-missing")) }?.code == .notFound)
        }

        @Test("a named mutex or condition of another kind version is incompatibleVersion")
        func namedKindVersion() throws {
            let mutex = TestSupport.uniqueName("mx-kv-mx")
            let condition = TestSupport.uniqueName("mx-kv-cv")
            defer { [mutex, condition].forEach { try? Segment.remove($0) } }
            _ = try Segment(create: mutex, kind: .mutex, kindVersion: 1, bodySize: 128) { (body) throws(InterprocessError) in
                try ProcessMutex.initialize(at: body.baseAddress!)
            }
            _ = try Segment(create: condition, kind: .condition, kindVersion: 2, bodySize: 128) { (body) throws(InterprocessError) in
                try ProcessCondition.initialize(at: body.baseAddress!)
            }
            #expect(interprocessError { _ = try ProcessMutex(open: mutex) }?.code == .incompatibleVersion)
            #expect(interprocessError { _ = try ProcessCondition(open: condition) }?.code == .incompatibleVersion)
        }

        @Test("a named mutex segment whose body was never initialized is corrupt")
        func namedUninitializedBody() throws {
            let name = TestSupport.uniqueName("mx-empty-body")
            defer { try? Segment.remove(name) }
            _ = try Segment(create: name, kind: .mutex, kindVersion: ProcessMutex.kindVersion, bodySize: 128)
            #expect(interprocessError { _ = try ProcessMutex(open: name) }?.code == .corrupt)
        }

        @Test("waiting without holding the mutex, or holding a recursive one twice, is invalidArgument")
        func waitMisuse() throws {
            let fixture = try MutexFixture("cv-misuse", recursive: true)
            let mutex = try fixture.mutex(), condition = try fixture.condition()
            #expect(interprocessError { _ = try condition.wait(mutex, timeout: .milliseconds(10)) }?.code == .invalidArgument)
            _ = try mutex.lock()
            _ = try mutex.lock()
            #expect(interprocessError { _ = try condition.wait(mutex, timeout: .milliseconds(10)) }?.code == .invalidArgument)
            try mutex.unlock()
            #expect(try timingOut { () throws(InterprocessError) in try condition.wait(mutex, timeout: .milliseconds(10)) } == nil)
            #expect(mutex.recordedOwner == nil, "timedOut: not held")
            #expect(fixture.conditionWaiters == 0)
        }
    }
}

import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `LegacyStream` against libsharedmemory's streams as a separate C program writes and reads them
/// (`Sources/LegacySharedMemoryPeer`, written from the documented layouts), in other processes.
@Suite("libsharedmemory streams", .timeLimit(.minutes(2)))
struct LegacyStreamTests {
    /// Runs the C peer.
    static func peer(_ arguments: String...) throws -> TestSupport.Outcome {
        try TestSupport.run(TestSupport.executable("LegacySharedMemoryPeer"), arguments)
    }

    /// The peer's one line of output.
    static func line(_ outcome: TestSupport.Outcome) -> String {
        outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the C peer with `arguments` (a command that takes a lock word and sleeps), waits
    /// until it holds the word, and SIGKILLs it: a C++ process that died holding the lock.
    static func killWhileHolding(_ arguments: String...) throws {
        let holder = Process()
        holder.executableURL = try TestSupport.executable("LegacySharedMemoryPeer")
        holder.arguments = arguments
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("held"))
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
    }

    static let values: [(LegacyValue, [String], String)] = [
        (.string("hello, C++"), ["string", "hello, C++"], "string hello, C++"),
        (.floats([1.5, -2.25, 3e10]), ["float", "1.5", "-2.25", "3e10"], "float 1.5 -2.25 3.0000001e+10"),
        (.doubles([0.1, -7, 1e300]), ["double", "0.1", "-7", "1e300"], "double 0.10000000000000001 -7 1.0000000000000001e+300"),
    ]

    @Test("our writer → the C reader, and the C writer → our reader: strings, float and double arrays, both layouts",
          arguments: LegacyStreamLayout.allCases)
    func roundTripsWithTheCSide(layout: LegacyStreamLayout) throws {
        let name = TestSupport.uniqueName("lsm-\(layout.rawValue)")
        let version = layout == .version2 ? "2" : "1"
        defer { try? LegacyStream.remove(name) }
        #expect(Self.line(try Self.peer("create", name, "4096")) == "created")
        let stream = try LegacyStream(open: name, layout: layout)
        var reader = stream.makeReader()
        #expect(try reader.read() == nil, "a new segment holds no value")
        #expect(!reader.hasUnread)
        for (value, arguments, printed) in Self.values {
            try stream.makeWriter().write(value)
            #expect(Self.line(try Self.peer("read", version, name)) == printed, "the C reader reads what we wrote")
            let written = try TestSupport.run(TestSupport.executable("LegacySharedMemoryPeer"), ["write", version, name] + arguments)
            #expect(Self.line(written) == "written", "\(written)")
            #expect(reader.hasUnread, "the C writer's value is new to us")
            #expect(try reader.tryReceive() == value, "we read what the C writer wrote")
            #expect(!reader.hasUnread)
            #expect(try reader.tryReceive() == nil)
        }
    }

    @Test("the zero-copy forms: raw bytes written are the C reader's array; the C writer's value is lent in place, marked read",
          arguments: LegacyStreamLayout.allCases)
    func zeroCopyForms(layout: LegacyStreamLayout) throws {
        let name = TestSupport.uniqueName("lsm-bytes-\(layout.rawValue)")
        let version = layout == .version2 ? "2" : "1"
        defer { try? LegacyStream.remove(name) }
        let stream = try LegacyStream(create: name, layout: layout, size: 1024)
        // Plain buffers, not withUnsafeBytes: a typed-throws closure there crashes Swift 6.3.1's IRGen.
        let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: 3)
        defer { floats.deallocate() }
        _ = floats.initialize(from: [0.5, 1.25, -8])
        try stream.makeWriter().write(.floats, bytes: UnsafeRawBufferPointer(floats))
        #expect(Self.line(try Self.peer("read", version, name)) == "float 0.5 1.25 -8")
        let ragged = #expect(throws: InterprocessError.self) {
            try stream.makeWriter().write(.doubles, bytes: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(floats)[0..<6]))
        }
        #expect(ragged?.code == .invalidArgument)

        #expect(Self.line(try Self.peer("write", version, name, "double", "2.5", "-1")) == "written")
        var reader = stream.makeReader()
        var lent: (LegacyValueKind, [Double])?
        #expect(try reader.tryReceive { kind, bytes in lent = (kind, Array(bytes.bindMemory(to: Double.self))) })
        #expect(lent?.0 == .doubles && lent?.1 == [2.5, -1])
        #expect(try !reader.tryReceive { _, _ in Issue.record("a value read is lent again") })
    }

    @Test("the layouts' offsets are the C++ library's: 2.x at fixed offsets, 1.x scaled by the element type")
    func offsets() {
        #expect(LegacyStreamLayout.version2.offsets(typeBit: LegacyStreamLayout.floatBit) == (12, 20))
        #expect(LegacyStreamLayout.version1.offsets(typeBit: LegacyStreamLayout.stringBit) == (1, 5))
        #expect(LegacyStreamLayout.version1.offsets(typeBit: LegacyStreamLayout.floatBit) == (4, 20))
        #expect(LegacyStreamLayout.version1.offsets(typeBit: LegacyStreamLayout.doubleBit) == (8, 40))
        #expect(LegacyStreamLayout.revisionOffset == 4 && LegacyStreamLayout.ackOffset == 8 && LegacyStreamLayout.lockOffset == 16)
    }

    @Test("revision and ack: a value we wrote is unread for the C side until it reads it, and ours after it writes")
    func revisionAndAck() throws {
        let name = TestSupport.uniqueName("lsm-ack")
        defer { try? LegacyStream.remove(name) }
        let stream = try LegacyStream(create: name, layout: .version2, size: 256, permissions: .init(rawValue: 0o666))
        try stream.makeWriter().write("one")
        #expect(Self.line(try Self.peer("status", name)) == "unread")
        #expect(Self.line(try Self.peer("read", "2", name)) == "string one")
        #expect(Self.line(try Self.peer("status", name)) == "read")
        var reader = stream.makeReader()
        #expect(!reader.hasUnread)
        #expect(Self.line(try Self.peer("write", "2", name, "string", "two")) == "written")
        #expect(try reader.receive(timeout: .seconds(5)) == .string("two"))
        #expect(Self.line(try Self.peer("status", name)) == "read")
    }

    @Test("a lock word left set by a killed C writer is a timedOut by the deadline, never a hang; breakLock() takes over")
    func lockLeftByAKilledWriter() throws {
        let name = TestSupport.uniqueName("lsm-lock")
        defer { try? LegacyStream.remove(name) }
        let stream = try LegacyStream(create: name, layout: .version2, size: 256, lockTimeout: .milliseconds(100))
        try Self.killWhileHolding("hold-lock", name)
        #expect(stream.isLocked)

        let started = ContinuousClock.now
        let writeError = #expect(throws: InterprocessError.self) { try stream.makeWriter().write("blocked") }
        #expect(writeError?.code == .timedOut && writeError?.description.contains("lock word") == true, "\(String(describing: writeError))")
        var reader = stream.makeReader()
        #expect(throws: InterprocessError.self) { try reader.read(timeout: .milliseconds(50)) }
        #expect(try !stream.makeWriter().tryWrite(.string("try")))
        #expect(ContinuousClock.now - started < .seconds(5), "every wait ended at its deadline")

        stream.breakLock()
        try stream.makeWriter().write("after the takeover")
        #expect(try reader.read() == .string("after the takeover"))
        #expect(Self.line(try Self.peer("read", "2", name)) == "string after the takeover")
    }

    @Test("create, openOrCreate and remove speak the library's vocabulary: alreadyExists, invalidArgument, incompatibleConfiguration, notFound")
    func namedLifecycle() throws {
        let name = TestSupport.uniqueName("lsm-names")
        defer { try? LegacyStream.remove(name) }
        let created = try LegacyStream(openOrCreate: name, layout: .version2, size: 128)
        try created.makeWriter().write("kept")
        let exists = #expect(throws: InterprocessError.self) { try LegacyStream(create: name, layout: .version2, size: 128) }
        #expect(exists?.code == .alreadyExists)
        var reader = try LegacyStream(openOrCreate: name, layout: .version2, size: 128).makeReader()
        #expect(try reader.read() == .string("kept"))
        let differs = #expect(throws: InterprocessError.self) { try LegacyStream(openOrCreate: name, layout: .version2, size: 256) }
        #expect(differs?.code == .incompatibleConfiguration)
        let small = #expect(throws: InterprocessError.self) { try LegacyStream(create: TestSupport.uniqueName("lsm-small"), layout: .version2, size: 19) }
        #expect(small?.code == .invalidArgument)
        try LegacyStream.remove(name)
        let gone = #expect(throws: InterprocessError.self) { try LegacyStream.remove(name) }
        #expect(gone?.code == .notFound)
    }

    @Test("hostile words: a size past the segment, two type bits, a float array of 6 bytes → corrupt; a short segment → truncated; too large a value → invalidArgument")
    func hostileWords() throws {
        let name = TestSupport.uniqueName("lsm-hostile")
        defer { try? LegacyStream.remove(name) }
        let stream = try LegacyStream(create: name, layout: .version2, size: 64)
        let base = stream.storage.base
        var reader = stream.makeReader()
        base.storeBytes(of: LegacyStreamLayout.stringBit, as: UInt8.self)
        base.storeBytes(of: UInt32(1000).littleEndian, toByteOffset: 12, as: UInt32.self)
        #expect(throws: InterprocessError.self) { try reader.read() }
        base.storeBytes(of: LegacyStreamLayout.stringBit | LegacyStreamLayout.floatBit, as: UInt8.self)
        base.storeBytes(of: UInt32(4).littleEndian, toByteOffset: 12, as: UInt32.self)
        let twoTypes = #expect(throws: InterprocessError.self) { try reader.read() }
        #expect(twoTypes?.code == .corrupt)
        base.storeBytes(of: LegacyStreamLayout.floatBit, as: UInt8.self)
        base.storeBytes(of: UInt32(6).littleEndian, toByteOffset: 12, as: UInt32.self)
        let error = #expect(throws: InterprocessError.self) { try reader.read() }
        #expect(error?.code == .corrupt)
        #expect(!stream.isLocked, "a failed read lets go of the lock")
        #expect(throws: InterprocessError.self) { try stream.makeWriter().write(String(repeating: "x", count: 45)) }
        try stream.makeWriter().write(String(repeating: "x", count: 44))

        let short = TestSupport.uniqueName("lsm-short")
        defer { try? LegacyStream.remove(short) }
        #expect(Self.line(try Self.peer("create", short, "12")) == "created")
        let truncated = #expect(throws: InterprocessError.self) { try LegacyStream(open: short, layout: .version2) }
        #expect(truncated?.code == .truncated)
        #expect(try LegacyStream(open: short, layout: .version1).size == 12)
        let missing = #expect(throws: InterprocessError.self) { try LegacyStream(open: TestSupport.uniqueName("lsm-none"), layout: .version2) }
        #expect(missing?.code == .notFound)
    }
}

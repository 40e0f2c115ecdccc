import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Peer commands for the blackboard tests. The boards they use have a bytes entry "big" of
/// 4096 bytes and a UInt64 entry "counter". A "big" value is self-checking: its first 8 bytes
/// are the entry version it was written as, the next bytes a filler derived from it, and its
/// last 8 bytes the FNV-1a checksum of the rest, so a reader can tell a torn value and a value
/// published under the wrong version.
enum BlackboardCommands {
    static let bigSize = 4096

    /// Fills `bytes` (4096) with the self-checking value of `version`.
    static func fill(_ bytes: UnsafeMutableRawBufferPointer, version: UInt64) {
        bytes.storeBytes(of: version, as: UInt64.self)
        var state = version &* 0x9E37_79B9_7F4A_7C15 | 1
        for offset in stride(from: 8, to: bigSize - 8, by: 8) {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            bytes.storeBytes(of: state, toByteOffset: offset, as: UInt64.self)
        }
        bytes.storeBytes(of: QueueCommands.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(bigSize - 8)])), toByteOffset: bigSize - 8, as: UInt64.self)
    }

    /// Whether `bytes` is a whole self-checking value written as `version`.
    static func isWhole(_ bytes: UnsafeRawBufferPointer, count: Int, version: UInt64) -> Bool {
        count == bigSize && bytes.loadUnaligned(as: UInt64.self) == version
            && QueueCommands.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(bigSize - 8)])) == bytes.loadUnaligned(fromByteOffset: bigSize - 8, as: UInt64.self)
    }

    /// `board-write NAME MILLISECONDS|forever`: writes self-checking "big" values as fast as it
    /// can; prints "replaced PID" if it took a dead writer's place, "writing", then "wrote N".
    static func write(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let duration = try arguments.next("MILLISECONDS")
        let board = try Blackboard(open: name, timeout: .seconds(10))
        let big = try board.key("big", as: [UInt8].self)
        var writer = try board.makeWriter()
        let reader = board.makeReader()
        if let replaced = writer.replacedWriter { print("replaced \(replaced)") }
        print("writing")
        fflush(nil)
        let end: Deadline = duration == "forever" ? .never : .after(.milliseconds(Int(duration) ?? 0))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bigSize, alignment: 8)
        defer { buffer.deallocate() }
        var written = 0
        repeat {
            for _ in 0..<64 {
                let version = reader.version(of: big) &+ 1
                fill(buffer, version: version)
                let got = try writer.write(big, UnsafeRawBufferPointer(buffer))
                guard got == version else { throw PeerFailure("wrote version \(got), expected \(version)") }
                written += 1
            }
        } while !end.hasPassed
        print("wrote \(written)")
    }

    /// `board-read NAME MILLISECONDS`: reads "big" for MILLISECONDS, checking every value;
    /// prints "ready", then "reads R versions V torn T backwards B".
    static func read(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        let board = try Blackboard(open: name, timeout: .seconds(10))
        let big = try board.key("big", as: [UInt8].self)
        let reader = board.makeReader()
        print("ready")
        fflush(nil)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bigSize, alignment: 8)
        defer { buffer.deallocate() }
        let end = Deadline.after(.milliseconds(milliseconds))
        var reads = 0, versions = 0, torn = 0, backwards = 0
        var last: UInt64 = 0
        repeat {
            for _ in 0..<16 {
                guard let (count, version) = try reader.read(big, into: buffer) else { continue }
                reads += 1
                if !isWhole(UnsafeRawBufferPointer(buffer), count: count, version: version) { torn += 1 }
                if version < last { backwards += 1 }
                if version != last { versions += 1 }
                last = version
            }
        } while !end.hasPassed
        print("reads \(reads) versions \(versions) torn \(torn) backwards \(backwards)")
    }

    /// `board-create NAME DELAY-MS`: after DELAY-MS, creates a board (persistent) with the
    /// entries "big" and "counter"; prints "created".
    static func create(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        usleep(UInt32(try arguments.nextInt("DELAY-MS")) * 1000)
        _ = try Blackboard(create: name, entries: [.bytes("big", capacity: bigSize), .value("counter", of: UInt64.self)])
        print("created")
    }

    /// `board-hold NAME`: becomes the writer, prints "writer", and holds the place until killed.
    static func hold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let writer = try Blackboard(open: name, timeout: .seconds(10)).makeWriter()
        print("writer")
        fflush(nil)
        withExtendedLifetime(writer) {
            while true { sleep(60) }
        }
    }

    /// `board-set NAME VALUE`: becomes the writer and writes VALUE to "counter"; prints "set V"
    /// (the entry's new version).
    static func set(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let value = UInt64(try arguments.nextInt("VALUE"))
        let board = try Blackboard(open: name, timeout: .seconds(10))
        var writer = try board.makeWriter()
        print("set \(writer.write(try board.key("counter", as: UInt64.self), value))")
    }

    /// `board-wait NAME AFTER TIMEOUT-MS [async]`: waits for a version of "counter" other than
    /// AFTER (blocking, or in a task); prints "ready", then "changed V value X".
    static func wait(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let after = UInt64(try arguments.nextInt("AFTER"))
        let timeout = Duration.milliseconds(try arguments.nextInt("TIMEOUT-MS"))
        let asynchronous = arguments.nextIfPresent() == "async"
        let board = try Blackboard(open: name, timeout: .seconds(10))
        let counter = try board.key("counter", as: UInt64.self)
        let reader = board.makeReader()
        print("ready")
        fflush(nil)
        let version: UInt64
        if asynchronous {
            version = try runBlocking { () async throws(InterprocessError) -> UInt64 in
                try await reader.waitForChange(of: counter, after: after, timeout: timeout)
            }
        } else {
            version = try reader.waitForChange(of: counter, after: after, timeout: timeout)
        }
        print("changed \(version) value \(try reader.read(counter) ?? 0)")
    }
}

/// The result of a task that a synchronous caller waits for.
final class BlockingOutcome<Value: Sendable>: @unchecked Sendable {
    // @unchecked: written once by the task before it posts the semaphore, read after the wait.
    var result: Result<Value, InterprocessError>?
    var finished = sem_t()
    init() { sem_init(&finished, 0, 0) }
}

/// Runs `body` in a task and blocks the calling thread until it finishes (the peer's `main` is
/// synchronous).
func runBlocking<Value: Sendable>(_ body: @escaping @Sendable () async throws(InterprocessError) -> Value) throws(InterprocessError) -> Value {
    let outcome = BlockingOutcome<Value>()
    Task {
        do throws(InterprocessError) {
            outcome.result = .success(try await body())
        } catch {
            outcome.result = .failure(error)
        }
        sem_post(&outcome.finished)
    }
    while sem_wait(&outcome.finished) != 0 {}
    return try outcome.result!.get()
}

import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Mirrored regions, byte streams and memory streams (issue 12).
enum ByteStreamCommands {
    /// The stream's content: byte `i` of the stream is `StreamPattern.byte(i)`, a table of
    /// `period` seeded bytes repeated. The period is prime, so a byte copied to or from the
    /// wrong place (off by anything but a multiple of it) is caught; fills and checks are
    /// `memcpy`/`memcmp` of table runs, fast even in a debug build.
    enum StreamPattern {
        static let period = 65_521
        static let table: [UInt8] = {
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            return (0..<period).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
        }()
        static let doubled: [UInt8] = Array(table[0..<period]) + Array(table[0..<period])

        /// Fills `space` with the stream's bytes from stream index `start`.
        static func fill(_ space: UnsafeMutableRawBufferPointer, from start: UInt64) {
            doubled.withUnsafeBytes { source in
                var done = 0, index = Int(start % UInt64(period))
                while done < space.count {
                    let run = Swift.min(space.count - done, period)
                    (space.baseAddress! + done).copyMemory(from: source.baseAddress! + index, byteCount: run)
                    done += run
                    index = (index + run) % period
                }
            }
        }

        /// Whether `bytes` are the stream's bytes from stream index `start`.
        static func matches(_ bytes: UnsafeRawBufferPointer, from start: UInt64) -> Bool {
            doubled.withUnsafeBytes { source in
                var done = 0, index = Int(start % UInt64(period))
                while done < bytes.count {
                    let run = Swift.min(bytes.count - done, period)
                    if memcmp(bytes.baseAddress! + done, source.baseAddress! + index, run) != 0 { return false }
                    done += run
                    index = (index + run) % period
                }
                return true
            }
        }
    }

    /// `mirror-receive SOCKET OFFSET COUNT`: receives a mirrored region; prints "size N" and
    /// "bytes HEX" for COUNT bytes read contiguously from OFFSET (which may run into the second copy).
    static func mirrorReceive(_ arguments: inout Arguments) throws {
        let socketPath = try arguments.next("SOCKET")
        let offset = try arguments.nextInt("OFFSET"), count = try arguments.nextInt("COUNT")
        try arguments.finish()
        let socket = try AnonymousMemoryCommands.connect(to: socketPath)
        defer { close(socket) }
        let region = try MirroredRegion(receivingFrom: FileDescriptor(rawValue: socket))
        try printWindow(region, offset: offset, count: count)
    }

    /// `mirror-open NAME OFFSET COUNT [HEX-AT-0]`: opens a named mirrored region; optionally
    /// writes HEX at its last bytes first (running past the end), then prints as `mirror-receive`.
    static func mirrorOpen(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let offset = try arguments.nextInt("OFFSET"), count = try arguments.nextInt("COUNT")
        let write = arguments.nextIfPresent().flatMap(Hex.decode)
        try arguments.finish()
        let region = try MirroredRegion(open: name)
        if let write {
            (region.baseAddress + region.count - write.count / 2).copyMemory(from: write, byteCount: write.count)
        }
        try printWindow(region, offset: offset, count: count)
    }

    private static func printWindow(_ region: borrowing MirroredRegion, offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, offset <= region.count, count <= region.count else { throw PeerFailure("window out of range") }
        print("size \(region.count)")
        print("bytes " + Hex.encode(UnsafeRawBufferPointer(start: region.baseAddress + offset, count: count)))
    }

    /// `stream-write NAME|--socket PATH TOTAL SEED [finish]`: becomes the writer and writes the
    /// stream's pattern up to stream index TOTAL in random chunks (1 B … capacity, each waiting
    /// for room for all of it); a dead reader is waited out. Prints "writer FROM", then
    /// "wrote N"; with `finish`, finishes the stream (end of stream) before exiting.
    static func write(_ arguments: inout Arguments) throws {
        let stream = try openStream(&arguments)
        let total = UInt64(try arguments.nextInt("TOTAL"))
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        let finish = arguments.nextIfPresent() == "finish"
        try arguments.finish()
        var writer = try makeWriter(stream)
        print("writer \(writer.bytesWritten)")
        fflush(nil)
        let capacity = UInt64(stream.capacity)
        while writer.bytesWritten < total {
            let chunk = Int(Swift.min(total - writer.bytesWritten, 1 + random.next() % capacity))
            // Not a `do`/`catch` around the endpoint here: swift-frontend 6.3.1 crashes on
            // some of those (see writeChunk).
            if let error = writeChunk(&writer, count: chunk) {
                guard error.code == .peerDied else { throw error }
                usleep(1_000)
            }
        }
        print("wrote \(writer.bytesWritten)")
        fflush(nil)
        if finish { writer.finish() }
    }

    /// Writes `count` pattern bytes; returns the error instead of throwing it.
    private static func writeChunk(_ writer: inout ByteStreamWriter, count: Int) -> InterprocessError? {
        let start = writer.bytesWritten
        do throws(InterprocessError) {
            _ = try writer.write(atLeast: count, upTo: count, until: .after(.seconds(30))) { space in
                StreamPattern.fill(space, from: start)
                return space.count
            }
            return nil
        } catch {
            return error
        }
    }

    /// What one checked read found.
    private final class ReadOutcome {
        var crossed = 0
        var bad = false
        var ended = false
    }

    /// `stream-read NAME|--socket PATH TOTAL SEED`: becomes the reader and checks every byte up
    /// to stream index TOTAL (or to the end of the stream) against the pattern, consuming random
    /// parts of each span; prints "reader FROM", then "read N crossed K" (K: spans running past
    /// the ring's end, read contiguously from the second copy), and "end" if the writer finished.
    /// A wrong byte prints "bad at I" and exits 4; a dead writer is waited out.
    static func read(_ arguments: inout Arguments) throws {
        let stream = try openStream(&arguments)
        let total = UInt64(try arguments.nextInt("TOTAL"))
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        var reader = try makeReader(stream)
        print("reader \(reader.bytesRead)")
        fflush(nil)
        let outcome = ReadOutcome()
        while reader.bytesRead < total && !outcome.ended {
            let start = reader.bytesRead
            if let error = readChunk(&reader, total: total, cut: random.next(), capacity: UInt64(stream.capacity), outcome: outcome) {
                guard error.code == .peerDied else { throw error }
                usleep(1_000)
            }
            if outcome.bad {
                print("bad at \(start)")
                exit(4)
            }
        }
        print("read \(reader.bytesRead) crossed \(outcome.crossed)")
        if outcome.ended { print("end") }
    }

    /// Reads and checks one span; returns the error instead of throwing it.
    private static func readChunk(
        _ reader: inout ByteStreamReader, total: UInt64, cut: UInt64, capacity: UInt64, outcome: ReadOutcome
    ) -> InterprocessError? {
        let start = reader.bytesRead
        do throws(InterprocessError) {
            let count = try reader.read(upTo: Int(total - start), until: .after(.seconds(30))) { bytes in
                if start % capacity + UInt64(bytes.count) > capacity { outcome.crossed += 1 }
                guard StreamPattern.matches(bytes, from: start) else {
                    outcome.bad = true
                    return 0
                }
                return cut & 1 == 0 ? bytes.count : 1 + Int((cut >> 1) % UInt64(bytes.count))
            }
            if count == 0 && !outcome.bad { outcome.ended = true }
            return nil
        } catch {
            return error
        }
    }

    /// `stream-hold NAME writer|reader`: takes the side, prints "holding", and sleeps until killed.
    static func hold(_ arguments: inout Arguments) throws {
        let stream = try ByteStream(open: try arguments.next("NAME"), timeout: .seconds(5))
        let side = try arguments.next("SIDE")
        try arguments.finish()
        if side == "writer" {
            let writer = try stream.makeWriter()
            print("holding")
            fflush(nil)
            // Uses the endpoint on every round, so that it lives until the process is killed.
            while writer.capacity > 0 { sleep(60) }
        } else {
            let reader = try stream.makeReader()
            print("holding")
            fflush(nil)
            while reader.capacity > 0 { sleep(60) }
        }
    }

    /// `stream-send NAME|--socket PATH DELAY-MS HEX`: becomes the writer, waits DELAY-MS, writes
    /// HEX, prints "sent N" and holds the writer 200 ms more.
    static func send(_ arguments: inout Arguments) throws {
        let stream = try openStream(&arguments)
        let delay = try arguments.nextInt("DELAY-MS")
        let bytes = try arguments.nextHex("HEX")
        try arguments.finish()
        var writer = try stream.makeWriter()
        usleep(UInt32(delay * 1_000))
        try writer.write(contentsOf: bytes, timeout: .seconds(10))
        print("sent \(bytes.count)")
        fflush(nil)
        usleep(200_000)
    }

    /// `text-read NAME`: prints each line of the text in a named segment as "line TEXT".
    static func textRead(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("NAME"))
        try arguments.finish()
        for line in RegionTextReader(over: UnsafeRawPointer(memory.region.baseAddress), count: memory.size) {
            print("line \(line)")
        }
    }

    /// `text-print NAME swift|c VALUE`: prints "value VALUE" and "pi 3.14" into a named segment
    /// with `print(_:to:)` (swift) or `vfprintf` on a MemoryFILE (c); prints "printed N"
    /// (the bytes written), or "full" if the text did not fit.
    static func textPrint(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("NAME"))
        let how = try arguments.next("swift|c")
        let value = try arguments.nextInt("VALUE")
        try arguments.finish()
        if how == "swift" {
            try printWithSwift(into: memory.region.baseAddress, count: memory.size, value: value)
        } else {
            try printWithC(into: memory.region.baseAddress, count: memory.size, value: value)
        }
    }

    private static func printWithC(into base: UnsafeMutableRawPointer, count: Int, value: Int) throws {
        let length = try MemoryFILE.withFILE(over: base, count: count, mode: .write) { file in
            fputs("value \(value)\n", file)
            fputs("pi 3.14\n", file)
            fflush(file)
            return Int(ftell(file))
        }
        print("printed \(length)")
    }

    private static func printWithSwift(into base: UnsafeMutableRawPointer, count: Int, value: Int) throws {
        var text = RegionTextStream(over: base, count: count)
        print("value", value, to: &text)
        print("pi", 3.14, to: &text)
        print(text.isTruncated ? "full" : "printed \(text.position)")
    }

    private static func openStream(_ arguments: inout Arguments) throws -> ByteStream {
        let first = try arguments.next("NAME")
        if first == "--socket" {
            let socket = try AnonymousMemoryCommands.connect(to: try arguments.next("PATH"))
            defer { close(socket) }
            return try ByteStream(receivingFrom: FileDescriptor(rawValue: socket))
        }
        return try ByteStream(open: first, timeout: .seconds(5))
    }

    /// Makes the writer, waiting while a live process still holds the side (a killed peer's
    /// replacement can start before the kernel has finished reaping it).
    private static func makeWriter(_ stream: ByteStream) throws(InterprocessError) -> ByteStreamWriter {
        let deadline = Deadline.after(.seconds(10))
        while stream.state.writer?.liveness == .alive && !deadline.hasPassed { usleep(2_000) }
        return try stream.makeWriter()
    }

    /// Makes the reader, waiting as ``makeWriter(_:)`` does.
    private static func makeReader(_ stream: ByteStream) throws(InterprocessError) -> ByteStreamReader {
        let deadline = Deadline.after(.seconds(10))
        while stream.state.reader?.liveness == .alive && !deadline.hasPassed { usleep(2_000) }
        return try stream.makeReader()
    }
}

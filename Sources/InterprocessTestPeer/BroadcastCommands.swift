import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Peer commands for the broadcast stream tests. Records are the self-checking records of
/// ``QueueCommands`` (run, sequence, filler, FNV-1a checksum), with the stream's sequence number
/// as their sequence, so a reader checks both the bytes and the numbering; an 8-byte record is
/// the stop record.
enum BroadcastCommands {
    /// Parses "oldest", "latest" or "next".
    static func start(_ text: String) throws -> BroadcastStream.StartPosition {
        switch text {
        case "oldest": .oldest
        case "latest": .latest
        case "next": .next
        default: throw UsageError("START must be oldest, latest or next (got '\(text)')")
        }
    }

    /// `broadcast-write NAME RUN COUNT|forever MAXSIZE`: sends COUNT self-checking records of
    /// run RUN (or until killed); prints "replaced PID" if it took a dead writer's place, then
    /// "sent COUNT next S".
    static func write(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let run = UInt32(try arguments.nextInt("RUN"))
        let countText = try arguments.next("COUNT")
        let count = countText == "forever" ? Int.max : (Int(countText) ?? 0)
        let maximum = try arguments.nextInt("MAXSIZE")
        var writer = try BroadcastStream(open: name, timeout: .seconds(10)).makeWriter()
        if let replaced = writer.replacedWriter { print("replaced \(replaced)") }
        print("writing")
        fflush(nil)
        var sent = 0
        while sent < count {
            let sequence = writer.nextSequence
            let size = QueueCommands.recordSize(run: run, sequence: sequence, maximum: maximum)
            try writer.send(upTo: size) { out in QueueCommands.fill(&out, count: size, run: run, sequence: sequence) }
            sent += 1
        }
        print("sent \(sent) next \(writer.nextSequence)")
    }

    /// `broadcast-stop NAME`: becomes the writer (taking over a dead one) and sends the 8-byte
    /// stop record; prints "replaced PID" if it took a dead writer's place, then "stopped S"
    /// (the stop record's sequence number).
    static func stop(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        var writer = try BroadcastStream(open: name).makeWriter()
        if let replaced = writer.replacedWriter { print("replaced \(replaced)") }
        let sequence = try writer.send(UInt64.max)
        print("stopped \(sequence)")
    }

    /// `broadcast-read NAME START [PAUSE-US [WAIT-S]]`: reads until the stop record, checking
    /// each record's checksum and that its sequence is the stream's; sleeps PAUSE-US after each;
    /// waits at most WAIT-S (default 60) for any one record. Prints "ready", then
    /// "first F received R missed M stop S bad B".
    static func read(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let start = try start(try arguments.next("START"))
        let pause = arguments.nextIfPresent().flatMap { UInt32($0) } ?? 0
        let wait = arguments.nextIfPresent().flatMap { Int64($0) } ?? 60
        let stream = try BroadcastStream(open: name, timeout: .seconds(10))
        var reader = try stream.makeReader(startingAt: start)
        print("ready")
        fflush(nil)
        var first: UInt64?
        var bad = 0
        while true {
            let received: (Bool, UInt64, Bool)
            do {
                received = try reader.receive(timeout: .seconds(wait)) { record in
                record.withUnsafeBytes { bytes -> (Bool, UInt64, Bool) in
                    if bytes.count == 8 { return (true, 0, true) }
                    guard bytes.count >= QueueCommands.minimumRecord else { return (false, 0, false) }
                    let sum = QueueCommands.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)]))
                    return (false, bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self),
                            sum == bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
                }
                }
            } catch {
                // What the reader and the stream say, for a wait that ended without a record.
                let state = stream.state
                TestPeer.printError("reader: received \(reader.receivedCount) missed \(reader.missedCount) next \(reader.nextSequence); "
                           + "stream: tail \(state.tail) intent \(state.tailIntent) next \(state.nextSequence) parked \(state.parkedReaders)")
                throw error
            }
            let (stop, payloadSequence, whole) = received
            let sequence = reader.nextSequence &- 1
            if first == nil { first = sequence &- (reader.receivedCount &+ reader.missedCount &- 1) }
            if stop {
                print("first \(first!) received \(reader.receivedCount) missed \(reader.missedCount) stop \(sequence) bad \(bad)")
                return
            }
            if !whole || payloadSequence != sequence { bad += 1 }
            if pause > 0 { usleep(pause) }
        }
    }

    /// `broadcast-probe NAME START`: receives what there is (at most 100 000 records) without
    /// waiting; prints "received R missed M".
    static func probe(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let start = try start(try arguments.next("START"))
        var reader = try BroadcastStream(open: name).makeReader(startingAt: start)
        var count = 0
        while count < 100_000, try reader.tryReceive({ record in record.byteCount }) != nil { count += 1 }
        print("received \(reader.receivedCount) missed \(reader.missedCount)")
    }

    /// `broadcast-hold NAME`: becomes the writer, prints "writer", and holds it until killed.
    static func hold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let writer = try BroadcastStream(open: name).makeWriter()
        print("writer \(writer.nextSequence)")
        fflush(nil)
        // Uses the writer in the loop, so that it lives (and holds the place) until the kill.
        while writer.nextSequence != .max { sleep(1) }
    }
}

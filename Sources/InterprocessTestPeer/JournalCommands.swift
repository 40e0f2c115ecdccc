import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `journal-*`: a journal's writer killed at random points, tailers following it, named tailers
/// killed and resumed. Every record's payload is derived from its sequence number
/// (``JournalPayload``), so a reader can tell a torn or misplaced record from a good one.
enum JournalCommands {
    /// `journal-write DIR COUNT|forever`: becomes the writer, prints "writer NEXT", appends.
    static func write(_ arguments: inout Arguments) throws {
        let directory = try arguments.next("DIR")
        let countText = try arguments.next("COUNT")
        try arguments.finish()
        let count = countText == "forever" ? Int.max : Int(countText) ?? 0
        let journal = try Journal(open: FilePath(directory))
        var writer = try journal.makeWriter()
        print("writer \(writer.nextSequenceNumber)")
        fflush(nil)
        var written = 0
        while written < count {
            try JournalPayload.append(&writer)
            written += 1
            if count == .max { usleep(1_000) }
        }
        print("wrote \(written) next \(writer.nextSequenceNumber)")
    }

    /// `journal-kill-loop DIR ROUNDS SEED`: ROUNDS times, forks a child that takes the writer's
    /// seat and appends (at most 400 records), and SIGKILLs it after a random 0–1.5 ms (a window
    /// that widens while rounds write nothing); after each kill reads what is new, checking every
    /// record. Then checks every record again from the beginning and verifies the journal.
    /// Prints "rounds R records N bad B reread M verify ok|P".
    static func killLoop(_ arguments: inout Arguments) throws {
        let directory = try arguments.next("DIR")
        let rounds = try arguments.nextInt("ROUNDS")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        let journal = try Journal(open: FilePath(directory))
        var seen: UInt64 = 0
        var bad = 0
        do { _ = try journal.makeWriter() }  // the first cycle, for the tailer
        var tailer = try journal.makeTailer(from: .beginning)
        var window: UInt64 = 1_500  // µs: kills land within this long after the fork
        for _ in 0..<rounds {
            let child = fork()
            if child == 0 {
                // Single-threaded child: write until killed, then idle.
                do {
                    var writer = try journal.makeWriter()
                    for _ in 0..<400 { try JournalPayload.append(&writer) }
                } catch {}
                while true { pause() }
            }
            usleep(UInt32(random.next() % window))
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            let before = seen
            while let ok = try tailer.tryNext({ record in JournalPayload.matches(record) }) {
                if !ok { bad += 1 }
                seen += 1
            }
            // A child slower to take the seat than the window (a sanitizer build, a loaded
            // machine) would be killed before its first append every time: widen the window
            // while rounds write nothing, narrow it back once they do.
            window = seen == before ? Swift.min(window * 2, 200_000) : Swift.max(1_500, window / 2)
        }
        // Every record seen is still there, in order.
        var reread: UInt64 = 0
        var again = try journal.makeTailer(from: .beginning)
        while let ok = try again.tryNext({ record in JournalPayload.matches(record) }) {
            if !ok { bad += 1 }
            reread += 1
        }
        let verification = try journal.verify()
        let verdict = verification.isValid ? "ok" : verification.problems.map(\.description).joined(separator: "; ")
        print("rounds \(rounds) records \(seen) bad \(bad) reread \(reread) verify \(verdict)")
    }

    /// `journal-follow DIR TIMEOUT-MS`: an unnamed tailer from the beginning, following live
    /// until a record "stop"; prints "ready", then "read N bad B".
    static func follow(_ arguments: inout Arguments) throws {
        let directory = try arguments.next("DIR")
        let timeout = try arguments.nextInt("TIMEOUT-MS")
        try arguments.finish()
        let journal = try Journal(open: FilePath(directory), timeout: .seconds(5))
        // The first writer makes the first cycle: wait for it.
        var tailer = try firstTailer(journal, until: .after(.seconds(10)))
        print("ready")
        fflush(nil)
        var read = 0, bad = 0
        let deadline = Deadline.after(.milliseconds(timeout))
        while true {
            let entry = try tailer.next(until: deadline)
            if entry.bytes == Array("stop".utf8) { break }
            read += 1
            if !JournalPayload.matches(entry) { bad += 1 }
        }
        print("read \(read) bad \(bad)")
    }

    /// `journal-tail DIR NAME PAUSE-US`: a named tailer from the beginning; prints "got S" for
    /// each record (flushed, so a kill loses no line), pausing PAUSE-US after each, until there
    /// is nothing for 200 ms; then "end N".
    static func tail(_ arguments: inout Arguments) throws {
        let directory = try arguments.next("DIR")
        let name = try arguments.next("NAME")
        let pause = try arguments.nextInt("PAUSE-US")
        try arguments.finish()
        let journal = try Journal(open: FilePath(directory))
        var tailer = try journal.makeTailer(from: .beginning, named: name)
        var count = 0
        while let entry = try nextOrNothing(&tailer) {
            print("got \(entry.sequence)")
            fflush(nil)
            count += 1
            if pause > 0 { usleep(UInt32(pause)) }
        }
        print("end \(count)")
    }

    /// A tailer from the beginning, once the journal has a cycle.
    private static func firstTailer(_ journal: Journal, until deadline: Deadline) throws(InterprocessError) -> JournalTailer {
        while true {
            do {
                return try journal.makeTailer(from: .beginning)
            } catch where error.code == .notFound && !deadline.hasPassed {
                usleep(1_000)
            }
        }
    }

    /// The next record, or nil after 200 ms without one.
    private static func nextOrNothing(_ tailer: inout JournalTailer) throws(InterprocessError) -> JournalEntry? {
        do {
            return try tailer.next(timeout: .milliseconds(200))
        } catch where error.code == .timedOut {
            return nil
        }
    }
}

/// What a payload check reads of a record.
struct JournalRecordFields {
    var sequence: UInt64
    var bytes: UnsafeRawBufferPointer
}

/// The payload of record `sequence` in the journal tests: 8 to 64 bytes, the sequence number
/// then bytes derived from it.
enum JournalPayload {
    static func length(_ sequence: UInt64) -> Int { 8 + Int(sequence % 57) }

    static func append(_ writer: inout JournalWriter) throws(InterprocessError) {
        let sequence = writer.nextSequenceNumber
        try writer.append(count: length(sequence)) { bytes in
            bytes.storeBytes(of: sequence, as: UInt64.self)
            for index in 8..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: sequence &+ UInt64(index)) }
        }
    }

    static func matches(_ entry: JournalEntry) -> Bool {
        entry.bytes.withUnsafeBytes { matches(JournalRecordFields(sequence: entry.sequence, bytes: $0)) }
    }

    static func matches(_ record: JournalRecord) -> Bool {
        matches(JournalRecordFields(sequence: record.sequence, bytes: record.bytes))
    }

    private static func matches(_ record: JournalRecordFields) -> Bool {
        let bytes = record.bytes
        guard bytes.count == length(record.sequence), bytes.loadUnaligned(as: UInt64.self) == record.sequence else { return false }
        for index in 8..<bytes.count where bytes[index] != UInt8(truncatingIfNeeded: record.sequence &+ UInt64(index)) {
            return false
        }
        return true
    }
}

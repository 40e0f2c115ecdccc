import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Commands for the managed-segment container tests: concurrent appends, inserts and lookups,
/// and a churn that the tests kill at random points.
enum ContainersCommands {
    /// The element the tests and this peer share (16 bytes): who wrote it, its place in the
    /// writer's sequence, and a check word that a torn write would not match.
    struct Record: BitwiseCopyable, SharedBytesConvertible, Equatable {
        var worker: UInt32
        var sequence: UInt32
        var check: UInt64

        init(worker: UInt32, sequence: UInt32) {
            self.worker = worker
            self.sequence = sequence
            self.check = (UInt64(worker) << 32 | UInt64(sequence)) &* 0x9E37_79B9_7F4A_7C15
        }

        var isIntact: Bool { self == Record(worker: worker, sequence: sequence) }
    }

    /// The type name both the tests and this peer give ``Record`` (their module names differ).
    static let recordTypeName = "interprocess-tests.Record"

    static func key(_ worker: UInt32, _ sequence: UInt32) -> UInt64 { UInt64(worker) << 32 | UInt64(sequence) }
    static func textValue(_ worker: UInt32, _ sequence: UInt32) -> String {
        "value-\(worker)-\(sequence)-" + String(repeating: "x", count: Int(sequence % 37))
    }

    static func vector(_ segment: ManagedSegment, _ name: String) throws(InterprocessError) -> SharedVector<Record> {
        try SharedVector<Record>(openOrCreate: name, in: segment, elementTypeName: recordTypeName)
    }
    static func map(_ segment: ManagedSegment, _ name: String) throws(InterprocessError) -> SharedDictionary<UInt64, Record> {
        try SharedDictionary<UInt64, Record>(openOrCreate: name, in: segment, bucketCount: 256, stripeCount: 8, valueTypeName: recordTypeName)
    }
    static func textMap(_ segment: ManagedSegment, _ name: String) throws(InterprocessError) -> SharedDictionary<String, String> {
        try SharedDictionary<String, String>(openOrCreate: name + "-text", in: segment, bucketCount: 256, stripeCount: 8)
    }

    /// `containers-write SEGMENT NAME WORKER COUNT`: for i in 0..<COUNT append Record(WORKER, i)
    /// to vector NAME, insert it under key WORKER<<32|i into dictionary NAME-map and its text
    /// under "WORKER-i" into NAME-text; print "done".
    static func write(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), name = try arguments.next("NAME")
        let worker = UInt32(try arguments.nextInt("WORKER")), count = UInt32(try arguments.nextInt("COUNT"))
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        let vector = try vector(segment, name), map = try map(segment, name + "-map"), text = try textMap(segment, name)
        for sequence in 0..<count {
            try vector.append(Record(worker: worker, sequence: sequence))
            try map.updateValue(Record(worker: worker, sequence: sequence), forKey: key(worker, sequence))
            try text.updateValue(textValue(worker, sequence), forKey: "\(worker)-\(sequence)")
        }
        print("done")
    }

    /// `containers-lookup SEGMENT NAME WORKERS COUNT MILLISECONDS`: look up random keys of
    /// workers 1...WORKERS below COUNT in NAME-map and NAME-text for MILLISECONDS, checking every
    /// value found; print "lookups L found F bad B".
    static func lookup(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), name = try arguments.next("NAME")
        let workers = UInt32(try arguments.nextInt("WORKERS")), count = UInt32(try arguments.nextInt("COUNT"))
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        let map = try map(segment, name + "-map"), text = try textMap(segment, name)
        var random = PeerRandom(seed: UInt64(getpid()))
        let end = Deadline.after(.milliseconds(milliseconds))
        var lookups = 0, found = 0, bad = 0
        while !end.hasPassed {
            let worker = UInt32(random.next() % UInt64(workers)) + 1, sequence = UInt32(random.next() % UInt64(count))
            if let record = try map.value(forKey: key(worker, sequence)) {
                found += 1
                if record != Record(worker: worker, sequence: sequence) { bad += 1 }
            }
            if lookups % 8 == 0, let value = try text.value(forKey: "\(worker)-\(sequence)") {
                found += 1
                if value != textValue(worker, sequence) { bad += 1 }
            }
            lookups += 1
        }
        print("lookups \(lookups) found \(found) bad \(bad)")
    }

    /// `containers-churn SEGMENT NAME SEED`: print "ready", then as worker = pid: append to vector
    /// NAME, insert into NAME-map and NAME-text, append "pid:i;" to string NAME-string, and insert
    /// then remove a temporary key (bit 31 of the sequence set), for up to 2000 items; then keep
    /// rewriting key pid<<32|0x7fffffff in NAME-map, until killed.
    static func churn(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), name = try arguments.next("NAME")
        let seed = UInt64(try arguments.nextInt("SEED"))
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        let vector = try vector(segment, name), map = try map(segment, name + "-map"), text = try textMap(segment, name)
        let string = try SharedString(openOrCreate: name + "-string", in: segment)
        let worker = UInt32(getpid())
        var random = PeerRandom(seed: seed)
        print("ready")
        fflush(nil)
        for sequence in UInt32(0)..<2000 {
            try vector.append(Record(worker: worker, sequence: sequence))
            try map.updateValue(Record(worker: worker, sequence: sequence), forKey: key(worker, sequence))
            try text.updateValue(textValue(worker, sequence), forKey: "\(worker)-\(sequence)")
            try string.append("\(worker):\(sequence);")
            if random.next() % 2 == 0 {
                try map.updateValue(Record(worker: worker, sequence: sequence | 1 << 31), forKey: key(worker, 1 << 31))
                try map.removeValue(forKey: key(worker, 1 << 31))
            }
        }
        var round: UInt32 = 0
        while true {
            try map.updateValue(Record(worker: worker, sequence: round), forKey: key(worker, 0x7fff_ffff))
            round &+= 1
        }
    }

    /// `containers-produce SEGMENT QUEUE COUNT [TAG]`: as a producer of the queue QUEUE placed in
    /// the managed segment (the SPSC queue; with TAG, the MPMC queue), COUNT times allocate a
    /// 64-byte record, fill its eight words with TAG << 40 | sequence × 8 + word, and send its
    /// offset; print "sent COUNT".
    static func produce(_ arguments: inout Arguments) throws {
        let segmentName = try arguments.next("SEGMENT"), queueName = try arguments.next("QUEUE"), count = try arguments.nextInt("COUNT")
        let tag = try arguments.isEmpty ? nil : arguments.nextInt("TAG")
        try arguments.finish()
        let segment = try ManagedSegment(open: segmentName)
        var spsc = tag == nil ? try SPSCQueue(open: queueName, in: segment).makeProducer() : nil
        var mpmc = tag == nil ? nil : try MPMCQueue(open: queueName, in: segment).makeProducer()
        let high = UInt64(tag ?? 0) << 40
        for sequence in 0..<UInt64(count) {
            let record = try segment.allocate(byteCount: 64, alignment: 8)
            let words = try segment.pointer(at: record, byteCount: 64).assumingMemoryBound(to: UInt64.self)
            for word in 0..<8 { words[word] = high | sequence &* 8 &+ UInt64(word) }
            if spsc != nil { try spsc!.send(record.rawValue, timeout: .seconds(20)) } else { try mpmc!.send(record.rawValue, timeout: .seconds(20)) }
        }
        print("sent \(count)")
    }
}

import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Peer commands for the mapped array tests. Arrays hold UInt64 values `ArrayValues.value(seed, i)`,
/// so both sides can compute what element i must be.
enum MappedArrayCommands {
    /// `array-append PATH COUNT SEED`: opens (or creates) the array, appends COUNT values of SEED in
    /// batches of 1,000 (each batch published at once), prints "appended N count C".
    static func append(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let count = try arguments.nextInt("COUNT")
        let seed = UInt64(try arguments.nextInt("SEED"))
        try arguments.finish()
        var array = try MappedArray<UInt64>(openOrCreate: FilePath(path))
        var appended = 0
        while appended < count {
            let batch = min(1000, count - appended)
            let start = array.count
            try array.append(contentsOf: (start..<(start + batch)).lazy.map { ArrayValues.value(seed, $0) })
            appended += batch
        }
        print("appended \(appended) count \(array.count)")
    }

    /// `array-follow PATH COUNT TIMEOUT-MS`: opens the array read-only, refreshes until it holds
    /// COUNT elements (or the time is up), checks each against SEED 7's values; prints
    /// "ready", then "count C bad B".
    static func follow(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let count = try arguments.nextInt("COUNT")
        let milliseconds = try arguments.nextInt("TIMEOUT-MS")
        try arguments.finish()
        var array = try MappedArray<UInt64>(open: FilePath(path), access: .readOnly)
        print("ready")
        fflush(nil)
        let deadline = Deadline.after(.milliseconds(milliseconds))
        while try array.refresh() < count && !deadline.hasPassed { usleep(1000) }
        var bad = 0, index = 0
        try array.forEach { value in
            if value != ArrayValues.value(7, index) { bad += 1 }
            index += 1
        }
        print("count \(array.count) bad \(bad)")
    }

    /// `array-open PATH BYTES`: opens the array read-only as elements of BYTES (1, 2, 4, 8 or 16)
    /// bytes; prints "count N".
    static func open(_ arguments: inout Arguments) throws {
        let path = FilePath(try arguments.next("PATH"))
        let bytes = try arguments.nextInt("BYTES")
        try arguments.finish()
        let count: Int
        switch bytes {
        case 1: count = try MappedArray<UInt8>(open: path, access: .readOnly).count
        case 2: count = try MappedArray<UInt16>(open: path, access: .readOnly).count
        case 4: count = try MappedArray<UInt32>(open: path, access: .readOnly).count
        case 8: count = try MappedArray<UInt64>(open: path, access: .readOnly).count
        case 16: count = try MappedArray<SIMD2<UInt64>>(open: path, access: .readOnly).count
        default: throw UsageError("BYTES is 1, 2, 4, 8 or 16")
        }
        print("count \(count)")
    }

    /// `array-hold PATH`: opens the array read-write (becoming its writer), prints "writer", and
    /// holds it until killed.
    static func hold(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        try arguments.finish()
        let array = try MappedArray<UInt64>(open: FilePath(path))
        print("writer \(array.count)")
        fflush(nil)
        while array.count >= 0 { sleep(60) }
    }

    /// `array-big PATH COUNT WINDOW BUDGET [CGROUP]`: first joins the cgroup directory CGROUP if
    /// given (its memory limit then bounds this process), creates an array of COUNT ``BigRecord``s
    /// keyed by seed 3's values (sparse, mapped WINDOW bytes at a time), sorts it within BUDGET
    /// bytes, and checks the result: prints "appended N sum S xor X", then "sorted N sum S xor X
    /// ordered true|false intact true|false" (sum and xor of the keys; intact: every record whole).
    static func big(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let count = try arguments.nextInt("COUNT")
        let window = try arguments.nextInt("WINDOW")
        let budget = try arguments.nextInt("BUDGET")
        if let group = arguments.nextIfPresent() { try join(group) }
        try arguments.finish()
        var array = try MappedArray<BigRecord>(create: FilePath(path), windowSize: window, allocation: .sparse)
        var start = 0
        while start < count {
            let end = min(count, start + 4096)
            try array.append(contentsOf: (start..<end).lazy.map { BigRecord(key: ArrayValues.value(3, $0)) })
            start = end
        }
        var sum: UInt64 = 0, xor: UInt64 = 0
        try array.forEach { record in sum &+= record.key; xor ^= record.key }
        print("appended \(array.count) sum \(sum) xor \(xor)")
        fflush(nil)
        try array.sort(memoryBudget: budget)
        var sortedSum: UInt64 = 0, sortedXor: UInt64 = 0, previous: UInt64 = 0, ordered = true, intact = true
        try array.forEach { record in
            if record.key < previous { ordered = false }
            if !record.isIntact { intact = false }
            previous = record.key
            sortedSum &+= record.key
            sortedXor ^= record.key
        }
        print("sorted \(array.count) sum \(sortedSum) xor \(sortedXor) ordered \(ordered) intact \(intact)")
    }

    /// Moves this process into the cgroup directory `group` (v1 or v2: both take a pid).
    private static func join(_ group: String) throws {
        let text = Array("\(getpid())\n".utf8)
        let descriptor = Glibc.open(group + "/cgroup.procs", O_WRONLY)
        guard descriptor >= 0 else { throw PeerFailure.system("open \(group)/cgroup.procs") }
        defer { close(descriptor) }
        guard text.withUnsafeBytes({ Glibc.write(descriptor, $0.baseAddress, $0.count) }) == text.count else {
            throw PeerFailure.system("join cgroup \(group)")
        }
    }
}

/// The values the mapped array tests store: element i of seed s (splitmix64).
enum ArrayValues {
    static func value(_ seed: UInt64, _ index: Int) -> UInt64 {
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A 272-byte record sorted by its key: big elements keep the sort of a file far larger than the
/// memory limit within a debug build's time (per-element work is what costs there).
struct BigRecord: BitwiseCopyable, Comparable {
    var key: UInt64
    var check: UInt64
    var body: SIMD32<UInt64>

    init(key: UInt64) {
        self.key = key
        check = ~key
        body = SIMD32(repeating: key)
    }

    /// Whether the record moved whole: its check word and body still match its key.
    var isIntact: Bool { check == ~key && body[0] == key && body[31] == key }

    static func < (left: BigRecord, right: BigRecord) -> Bool { left.key < right.key }
    static func == (left: BigRecord, right: BigRecord) -> Bool { left.key == right.key && left.check == right.check }
}

import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What the publish/subscribe peer commands share: the self-checking sample content, the
/// sample sizes, the chaos ledger, and attaching under a takeover race.
///
/// A sample's whole content follows from its sequence number alone: word k of sample s is
/// `mix(s * golden + k)`, little-endian, the last word cut to the byte count. A subscriber
/// recomputes every byte, so a torn, stale, shifted or partly written sample is caught, and
/// one that carries the bytes of another sequence too.
enum PubSubPattern {
    /// SplitMix64's finalizer: every input bit reaches every output bit.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func word(_ sequence: UInt64, _ index: Int) -> UInt64 {
        mix(sequence &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &+ 1)
    }

    /// Writes sample `sequence`'s content into `bytes`; `pause` runs halfway through (a kill
    /// there leaves a half-written sample behind).
    static func fill(_ bytes: UnsafeMutableRawBufferPointer, sequence: UInt64, pause: () -> Void = {}) {
        let words = bytes.count / 8, half = words / 2
        for index in 0..<words {
            if index == half { pause() }
            bytes.storeBytes(of: word(sequence, index).littleEndian, toByteOffset: index * 8, as: UInt64.self)
        }
        let tail = bytes.count - words * 8
        if tail > 0 {
            let last = word(sequence, words).littleEndian
            withUnsafeBytes(of: last) { source in
                for offset in 0..<tail { bytes[words * 8 + offset] = source[offset] }
            }
        }
        if words == 0 { pause() }
    }

    /// The content of sample `sequence`, for the copying send forms.
    static func bytes(sequence: UInt64, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer), sequence: sequence)
            initialized = count
        }
    }

    /// Whether `bytes` are exactly sample `sequence`'s content.
    static func matches(_ bytes: UnsafeRawBufferPointer, sequence: UInt64) -> Bool {
        let words = bytes.count / 8
        for index in 0..<words where bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) != word(sequence, index).littleEndian {
            return false
        }
        let tail = bytes.count - words * 8
        guard tail > 0 else { return true }
        let last = word(sequence, words).littleEndian
        return withUnsafeBytes(of: last) { expected in
            (0..<tail).allSatisfy { bytes[words * 8 + $0] == expected[$0] }
        }
    }
}

/// How big sample s is: a function of s alone, so a subscriber checks the byte count too.
enum PubSubSizes: Sendable {
    /// The largest sample of "grow": 8 MiB.
    static let growMaximum = 8 << 20
    /// Samples per size level of "grow" (8 B, 16 B, … 8 MiB: 21 levels).
    static let growPerLevel: UInt64 = 6

    case fixed(Int)
    /// 8 to 64 bytes.
    case small
    /// From 8 B up to 8 MiB in doubling levels (each level between its size and twice it); every
    /// third sample is small again, so small samples land in slots of the grown pool too.
    case grow
    /// From 8 B up to 1 MiB, one level per 64 samples: the pool grows all through a run of
    /// publishers killed one after another.
    case ramp

    init(_ text: String) throws(UsageError) {
        switch text {
        case "small": self = .small
        case "grow": self = .grow
        case "ramp": self = .ramp
        default:
            guard let size = Int(text), size >= 0 else { throw UsageError("SIZES must be small, grow or a byte count (got '\(text)')") }
            self = .fixed(size)
        }
    }

    func size(of sequence: UInt64) -> Int {
        switch self {
        case .fixed(let size): return size
        case .small: return 8 + Int(PubSubPattern.mix(sequence ^ 0x5A5A) % 57)
        case .grow:
            if sequence % 3 == 2 { return 8 + Int(PubSubPattern.mix(sequence) % 57) }
            let level = min(sequence / Self.growPerLevel, 20)
            let base = 8 << Int(level)
            if level == 20 { return base }
            return min(Self.growMaximum, base + Int(PubSubPattern.mix(sequence) % UInt64(base)))
        case .ramp:
            let base = 8 << Int(min(sequence / 64, 17))
            return min(1 << 20, base + Int(PubSubPattern.mix(sequence) % UInt64(base)))
        }
    }
}

/// Words in plain shared memory where the chaos peers count what they saw (the test reads them;
/// PubSubLedger in the tests has the same offsets). Every word a UInt64. Sendable: it touches
/// only atomic words of a mapping that lives as long as the object.
final class PubSubLedger: @unchecked Sendable {
    /// Samples whose content, size or embedded sequence was wrong.
    static let bad = 0
    /// Samples delivered out of order (a block subscriber that missed, a sequence that went back).
    static let order = 8
    /// Samples the publishers published (each returned send).
    static let sent = 16
    /// Sends that failed with `resourceLimit` (the pool ran dry).
    static let resourceLimit = 24
    /// `trySend`s that returned nil although no subscriber blocks.
    static let refused = 32
    /// The longest a single publisher send waited, in nanoseconds.
    static let longestWait = 40
    /// Library errors the peers did not expect (codes other than the ones counted above).
    static let errors = 48
    /// Samples the subscribers received.
    static let received = 56
    /// Sends that returned another sequence number than `nextSequence` promised.
    static let sequenceMismatch = 64
    /// Subscribers that could not attach.
    static let attachFailures = 72
    /// Publishers that took the seat.
    static let publishers = 80
    /// Subscriber sends that timed out (a `.block` publisher held back past its deadline).
    static let timedOut = 88
    /// Samples subscribers counted as missed.
    static let missed = 96
    /// The code of the last unexpected error, as up to 8 ASCII bytes.
    static let lastError = 104

    let memory: SharedMemory

    init(open name: String) throws { memory = try SharedMemory(open: name) }

    func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (memory.region.baseAddress + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    func add(_ offset: Int, _ amount: UInt64 = 1) { word(offset).pointee.wrappingAdd(amount, ordering: .relaxed) }

    func raise(_ offset: Int, to value: UInt64) {
        var current = word(offset).pointee.load(ordering: .relaxed)
        while value > current {
            let (exchanged, original) = word(offset).pointee.compareExchange(expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Counts an error no command expects, keeping its code for the test's message.
    func unexpected(_ error: InterprocessError) {
        add(Self.errors)
        var code: UInt64 = 0
        for (index, byte) in error.code.rawValue.utf8.prefix(8).enumerated() { code |= UInt64(byte) << (8 * UInt64(index)) }
        word(Self.lastError).pointee.store(code, ordering: .relaxed)
    }
}

/// A subscriber's view of the sequence: checks each sample against the one before.
struct SequenceCheck {
    let blocking: Bool
    var last: UInt64?
    var first: UInt64?
    var received: UInt64 = 0
    var missed: UInt64 = 0
    var problem: String?

    init(blocking: Bool) { self.blocking = blocking }

    /// Checks sample `sequence` (with `missedBefore` samples lost before it) of `bytes`, whose
    /// size `sizes` says; records the first problem.
    mutating func check(sequence: UInt64, missedBefore: UInt64, bytes: UnsafeRawBufferPointer, sizes: PubSubSizes?) -> (content: Bool, order: Bool) {
        received += 1
        missed &+= missedBefore
        var contentOK = PubSubPattern.matches(bytes, sequence: sequence)
        if let sizes, bytes.count != sizes.size(of: sequence) { contentOK = false }
        if !contentOK && problem == nil { problem = "sample \(sequence) of \(bytes.count) bytes has the wrong content" }
        var orderOK = true
        if let last {
            orderOK = sequence == last &+ 1 &+ missedBefore
        }
        if blocking && missedBefore != 0 { orderOK = false }
        if !orderOK && problem == nil {
            problem = "sample \(sequence) (missed before: \(missedBefore)) after \(last.map(String.init) ?? "none")"
        }
        if first == nil { first = sequence }
        last = sequence
        return (contentOK, orderOK)
    }

    /// Checks a sample of `sizes` and counts it in `ledger`: received, missed, and what was wrong.
    mutating func record(_ sequence: UInt64, missedBefore: UInt64, bytes: UnsafeRawBufferPointer, sizes: PubSubSizes, in ledger: PubSubLedger) {
        let (content, order) = check(sequence: sequence, missedBefore: missedBefore, bytes: bytes, sizes: sizes)
        ledger.add(PubSubLedger.received)
        if missedBefore != 0 { ledger.add(PubSubLedger.missed, missedBefore) }
        if !content { ledger.add(PubSubLedger.bad) }
        if !order { ledger.add(PubSubLedger.order) }
    }
}

/// Small helpers of the publish/subscribe commands: the policy argument, and unbuffered output.
enum PubSubAttach {
    static func policy(_ text: String) throws(UsageError) -> OverrunPolicy {
        switch text {
        case "block": return .block
        case "drop": return .dropOldest
        default: throw UsageError("policy must be block or drop (got '\(text)')")
        }
    }

    /// Prints `line` and flushes at once: the peer may be killed (or die by a signal) next.
    static func say(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        _ = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

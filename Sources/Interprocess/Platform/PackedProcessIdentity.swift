#if os(Linux)
/// A ``ProcessIdentity`` packed into one 64-bit word (or its upper bits), so that claiming a
/// place — and taking it over from a dead process — is a single compare-and-exchange.
///
/// The word keeps the pid whole and only the low bits of the start time and of the pid
/// namespace's inode number, judged by the same rule as ``ProcessIdentity/liveness``:
///
/// - **pid**: 22 bits, all of it: Linux pids are below `PID_MAX_LIMIT` = 2²².
/// - **namespace fragment**: the low bits of the namespace inode (all ones if they are all
///   zero; 0 means "not recorded"). A fragment other than the judge's own means another
///   namespace: `.unknown`, never `.dead`. Fragments are distinct for distinct namespaces because
///   Linux numbers them 0xEFFFFFFC (the initial one) or 0xF0000000 + n, n the lowest number free
///   among all `/proc` inode numbers (every namespace of every type and every `/proc` entry):
///   two live namespaces share a *k*-bit fragment only while 2ᵏ − 4 such numbers (4 million for
///   the 22 bits of a claim word, 1 million for the 20 of a reader slot) are allocated at once.
///   This is the one assumption the rule rests on; nothing smaller can identify a namespace.
/// - **start-time fragment**: the low bits of the start time (0: not recorded, so a pid that
///   exists is `.unknown`). A reused pid whose start time agrees in these bits (one chance in
///   2²⁰ for a claim word, 2¹⁴ for a reader slot) is taken for the dead process: alive, so
///   nothing is reclaimed until that process exits too — a delay bounded by every waiter's
///   deadline, never a takeover from a live process.
struct PackedProcessIdentity: Sendable {
    /// The bit where the identity starts (the bits below belong to the word's user, e.g. a count).
    let shift: Int
    /// Bits of the start time kept.
    let startBits: Int
    /// Bits of the namespace inode kept.
    let namespaceBits: Int

    /// Bits of the pid.
    static let pidBits = 22

    /// A whole 64-bit claim word (endpoint claims, MPMC slot claimants, the RW lock's owner):
    /// pid in bits 0..<22, start time in 22..<42, namespace in 42..<64. Never 0 for a process.
    /// (Computed, not stored: a constant the optimizer folds into the caller, with no lazy global.)
    static var claimWord: PackedProcessIdentity { PackedProcessIdentity(shift: 0, startBits: 20, namespaceBits: 22) }
    /// A reader slot of ``ProcessRWLock``: bits 0..<8 are the hold count; pid in 8..<30, start
    /// time in 30..<44, namespace in 44..<64.
    static var readerSlot: PackedProcessIdentity { PackedProcessIdentity(shift: 8, startBits: 14, namespaceBits: 20) }

    private static let pidMask: UInt64 = (1 << UInt64(pidBits)) - 1
    private var startMask: UInt64 { (1 << UInt64(startBits)) - 1 }
    private var namespaceMask: UInt64 { (1 << UInt64(namespaceBits)) - 1 }

    /// The packed word for `identity` (its bits below ``shift`` clear).
    @inline(__always)
    func pack(_ identity: ProcessIdentity) -> UInt64 {
        let pid = UInt64(UInt32(bitPattern: identity.pid)) & Self.pidMask
        let start = identity.startTime & startMask
        let namespace = fragment(of: identity.pidNamespace)
        return (pid | start << UInt64(Self.pidBits) | namespace << UInt64(Self.pidBits + startBits)) << UInt64(shift)
    }

    /// The pid in a packed word.
    func pid(of word: UInt64) -> Int32 {
        Int32(truncatingIfNeeded: (word >> UInt64(shift)) & Self.pidMask)
    }

    /// Whether the process packed in `word` is alive: ``ProcessIdentity/liveness``'s rule, with
    /// the fragments compared instead of the whole values.
    func liveness(of word: UInt64) -> ProcessIdentity.Liveness {
        let here = PIDNamespace.current
        let tag = word >> UInt64(shift)
        let start = (tag >> UInt64(Self.pidBits)) & startMask
        let namespace = (tag >> UInt64(Self.pidBits + startBits)) & namespaceMask
        return ProcessIdentity.judge(pid: pid(of: word), recordedStart: start, startMask: startMask,
                                     sameNamespace: namespace != 0 && namespace == fragment(of: here.inode), here: here)
    }

    /// Whether the process packed in `word` is certainly dead.
    func isDead(_ word: UInt64) -> Bool { liveness(of: word) == .dead }

    /// The identity in a packed word, for reports: the whole start time when `recordedStartTime`
    /// (written beside the word by its owner) agrees with the word's bits, and this process's
    /// namespace when the fragment is its own (else 0, not recorded).
    func identity(of word: UInt64, recordedStartTime: UInt64 = 0) -> ProcessIdentity {
        let tag = word >> UInt64(shift)
        let start = (tag >> UInt64(Self.pidBits)) & startMask
        let namespace = (tag >> UInt64(Self.pidBits + startBits)) & namespaceMask
        let here = PIDNamespace.current.inode
        return ProcessIdentity(pid: pid(of: word),
                               startTime: recordedStartTime & startMask == start && recordedStartTime != 0 ? recordedStartTime : start,
                               pidNamespace: namespace != 0 && namespace == fragment(of: here) ? here : 0)
    }

    /// The low ``namespaceBits`` of a namespace inode; never 0 for a recorded one.
    @inline(__always)
    func fragment(of inode: UInt32) -> UInt64 {
        guard inode != 0 else { return 0 }
        let low = UInt64(inode) & namespaceMask
        return low == 0 ? namespaceMask : low
    }
}
#endif

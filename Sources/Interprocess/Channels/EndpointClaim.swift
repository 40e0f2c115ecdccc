#if os(Linux)
import Synchronization

/// One side of a channel (a producer or a consumer) claimed by a process: a 64-bit word in the
/// segment holding the owner's identity packed as a ``PackedProcessIdentity/claimWord``, 0 when
/// free. One word, so that claiming and taking over a dead owner's place are a single
/// compare-and-swap: a second live claimant is refused, a dead one is replaced, and one whose
/// liveness is unknown (another pid namespace) is never replaced.
enum EndpointClaim {
    /// Packs an identity into a claim word (never 0 for a real process).
    static func word(for identity: ProcessIdentity) -> UInt64 {
        PackedProcessIdentity.claimWord.pack(identity)
    }

    /// The pid recorded in a claim word.
    static func pid(of word: UInt64) -> Int32 { PackedProcessIdentity.claimWord.pid(of: word) }

    /// Whether the process recorded in a claim word is known to be dead.
    static func isDead(_ word: UInt64) -> Bool { PackedProcessIdentity.claimWord.isDead(word) }

    /// Claims the place for the calling process, taking it over from a dead owner.
    ///
    /// - Returns: the pid of the dead owner replaced, or nil if the place was free.
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while a live process holds it; `corrupt`
    ///   if the word changes under every compare-and-exchange (a peer keeps rewriting it).
    static func claim(
        _ word: UnsafeMutablePointer<Atomic<UInt64>>, role: String, name: String, of structure: String = "queue"
    ) throws(InterprocessError) -> Int32? {
        let mine = EndpointClaim.word(for: .current)
        // Bounded: between two attaching processes a claim loses at most a race or two; a word
        // that changes under every compare-and-exchange is being rewritten by a peer.
        for _ in 0..<1024 {
            let current = word.pointee.load(ordering: .acquiring)
            if current == 0 {
                if word.pointee.compareExchange(expected: 0, desired: mine, ordering: .acquiringAndReleasing).exchanged {
                    return nil
                }
                continue
            }
            guard isDead(current) else {
                throw InterprocessError(.alreadyExists, operation: "make \(role) of \(structure)", name: name,
                                        reason: "process \(pid(of: current)) is attached as its \(role) and alive; a \(structure) has one \(role) at a time")
            }
            if word.pointee.compareExchange(expected: current, desired: mine, ordering: .acquiringAndReleasing).exchanged {
                return pid(of: current)
            }
        }
        throw InterprocessError(.corrupt, operation: "make \(role) of \(structure)", name: name,
                                reason: "its \(role) claim word changed under 1024 compare-and-exchanges in a row: another process keeps writing it")
    }

    /// Claims one of `count` places (`word(i)` is place i's claim word) for the calling
    /// process: a free one first, else a dead process's; nil when every place is held by a live
    /// (or unjudgeable) process. Free places are tried before anyone's liveness is judged (that
    /// reads /proc), and the whole pass is tried four times, as places come and go under it.
    ///
    /// - Returns: the index claimed and the claim word it replaced (0 for a free place).
    static func claimFree(
        count: Int, _ word: (Int) -> UnsafeMutablePointer<Atomic<UInt64>>
    ) -> (index: Int, replaced: UInt64)? {
        let mine = EndpointClaim.word(for: .current)
        for _ in 0..<4 {
            for index in 0..<count where word(index).pointee.load(ordering: .acquiring) == 0 {
                if word(index).pointee.compareExchange(expected: 0, desired: mine, ordering: .acquiringAndReleasing).exchanged {
                    return (index, 0)
                }
            }
            for index in 0..<count {
                let current = word(index).pointee.load(ordering: .acquiring)
                guard current != 0, isDead(current) else { continue }
                if word(index).pointee.compareExchange(expected: current, desired: mine, ordering: .acquiringAndReleasing).exchanged {
                    return (index, current)
                }
            }
        }
        return nil
    }

    /// Gives the place up, if the calling process still holds it.
    static func release(_ word: UnsafeMutablePointer<Atomic<UInt64>>) {
        let mine = EndpointClaim.word(for: .current)
        _ = word.pointee.compareExchange(expected: mine, desired: 0, ordering: .releasing)
    }
}
#endif

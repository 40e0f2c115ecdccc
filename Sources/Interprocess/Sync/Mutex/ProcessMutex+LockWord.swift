#if os(Linux)
extension ProcessMutex {
    /// The 32-bit lock word at byte 64, and the one place that judges a value read from it.
    ///
    /// Bits 0–29: the owner's thread id (0: free; 0x3FFFFFFF: not recoverable). Bit 30: held after
    /// an owner's death and not yet marked consistent. Bit 31: a waiter may sleep on the word.
    @usableFromInline
    enum LockWord {
        @usableFromInline static let threadMask: UInt32 = 0x3FFF_FFFF
        @usableFromInline static let inconsistentBit: UInt32 = 0x4000_0000
        @usableFromInline static let waitersBit: UInt32 = 0x8000_0000
        /// The thread-id value of a mutex whose owner died and whose state nobody repaired.
        static let notRecoverable: UInt32 = 0x3FFF_FFFF
        /// The largest thread id Linux hands out (`PID_MAX_LIMIT`, 2^22).
        static let maximumThreadID: UInt32 = 1 << 22

        /// What a word read from shared memory says.
        enum State: Equatable {
            /// Nobody holds it (the waiters bit may linger).
            case free
            /// `thread` holds it; `inconsistent` after an owner's death until markConsistent.
            case held(thread: UInt32, inconsistent: Bool)
            /// Permanently unusable.
            case notRecoverable
        }

        /// Judges `value`: nil for a word this library never writes (a thread id beyond
        /// ``maximumThreadID``, or the inconsistent bit without an owner).
        static func state(of value: UInt32) -> State? {
            let thread = value & threadMask
            if thread == notRecoverable { return .notRecoverable }
            if thread == 0 { return value & inconsistentBit == 0 ? .free : nil }
            guard thread <= maximumThreadID else { return nil }
            return .held(thread: thread, inconsistent: value & inconsistentBit != 0)
        }
    }

    /// The lock word's state, or a `corrupt` error naming the bad value.
    func lockWordState(_ value: UInt32, operation: String) throws(InterprocessError) -> LockWord.State {
        guard let state = LockWord.state(of: value) else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its lock word holds 0x\(String(value, radix: 16)), which no mutex writes (a thread id beyond \(LockWord.maximumThreadID), or the inconsistent bit without an owner)")
        }
        return state
    }
}
#endif

#if os(Linux)
extension ProcessSemaphore {
    /// Writes a new semaphore at `address`, inside memory shared with the processes that will use
    /// it, and returns a handle on it.
    ///
    /// Other processes then use ``init(placedAt:)`` on the same bytes of their own mapping. The
    /// tag that ``init(placedAt:)`` checks is written last, with a release store.
    ///
    /// - Important: the memory must stay mapped for as long as any handle on it is used; the
    ///   handle does not keep it alive. Initialize a place once: doing it again while processes
    ///   use the semaphore resets it under them.
    /// - Parameters:
    ///   - address: where to write ``size`` bytes; a multiple of ``alignment``.
    ///   - initialCount: the units available at first, from 0 to `maximumCount`.
    ///   - maximumCount: the largest the count may become, from 1 to ``maximumCountLimit``.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a misaligned address or counts
    ///   out of range.
    @discardableResult
    public static func initialize(
        at address: UnsafeMutableRawPointer,
        initialCount: Int = 0,
        maximumCount: Int = ProcessSemaphore.maximumCountLimit
    ) throws(InterprocessError) -> ProcessSemaphore {
        try Placement.check(address, alignment: alignment, for: "semaphore")
        let (initial, maximum) = try checkCounts(initialCount, maximumCount, operation: "place a semaphore", name: nil)
        writeLayout(at: address, initialCount: initial, maximumCount: maximum)
        return try ProcessSemaphore(validating: address, name: nil, segment: nil)
    }

    /// A handle on the semaphore that ``initialize(at:initialCount:maximumCount:)`` wrote at
    /// `address` (in this process or another one that shares the memory).
    ///
    /// - Important: the memory must stay mapped for as long as this handle is used.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a misaligned address; `corrupt`
    ///   when the bytes there are not an initialized semaphore (zeroed or foreign memory);
    ///   `wrongKind` when they hold a ``ProcessEvent``; `incompatibleVersion` for a semaphore of
    ///   another layout version.
    public init(placedAt address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try self.init(validating: address, name: nil, segment: nil)
    }

    /// Checks initial and maximum counts and narrows them to the stored width.
    static func checkCounts(
        _ initialCount: Int, _ maximumCount: Int, operation: String, name: String?
    ) throws(InterprocessError) -> (initial: UInt32, maximum: UInt32) {
        guard maximumCount >= 1, maximumCount <= maximumCountLimit else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the maximum count must be between 1 and \(maximumCountLimit) (got \(maximumCount))")
        }
        guard initialCount >= 0, initialCount <= maximumCount else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the initial count must be between 0 and the maximum count \(maximumCount) (got \(initialCount))")
        }
        return (UInt32(initialCount), UInt32(maximumCount))
    }
}
#endif

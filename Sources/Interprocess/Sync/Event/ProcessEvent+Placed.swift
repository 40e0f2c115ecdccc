#if os(Linux)
extension ProcessEvent {
    /// Writes a new event at `address`, inside memory shared with the processes that will use
    /// it, and returns a handle on it.
    ///
    /// Other processes then use ``init(placedAt:)`` on the same bytes of their own mapping. The
    /// tag that ``init(placedAt:)`` checks is written last, with a release store.
    ///
    /// - Important: the memory must stay mapped for as long as any handle on it is used; the
    ///   handle does not keep it alive. Initialize a place once: doing it again while processes
    ///   use the event resets it under them.
    /// - Parameters:
    ///   - address: where to write ``size`` bytes; a multiple of ``alignment``.
    ///   - mode: auto-reset (one waiter per set) or manual-reset (all waiters, stays set).
    ///   - initiallySet: whether the event starts set.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a misaligned address.
    @discardableResult
    public static func initialize(
        at address: UnsafeMutableRawPointer, mode: Mode, initiallySet: Bool = false
    ) throws(InterprocessError) -> ProcessEvent {
        try Placement.check(address, alignment: alignment, for: "event")
        writeLayout(at: address, mode: mode, initiallySet: initiallySet)
        return try ProcessEvent(validating: address, name: nil, segment: nil)
    }

    /// A handle on the event that ``initialize(at:mode:initiallySet:)`` wrote at `address` (in
    /// this process or another one that shares the memory).
    ///
    /// - Important: the memory must stay mapped for as long as this handle is used.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a misaligned address; `corrupt`
    ///   when the bytes there are not an initialized event (zeroed or foreign memory);
    ///   `wrongKind` when they hold a ``ProcessSemaphore``; `incompatibleVersion` for an event
    ///   of another layout version.
    public init(placedAt address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try self.init(validating: address, name: nil, segment: nil)
    }
}
#endif

#if os(Linux)
/// A process recorded in a queue as holding one of its endpoints, as a ``SPSCQueue/State`` or
/// ``MPMCQueue/State`` reports it.
public struct QueueEndpointState: Sendable, Hashable, Codable {
    /// The process, as far as the packed word records it (pid, start time fragment, namespace).
    public var identity: ProcessIdentity
    /// Whether that process is alive, dead (its place is free to take over) or unknown
    /// (another pid namespace, or `/proc` hidden: never taken over).
    public var liveness: ProcessIdentity.Liveness

    /// The endpoint recorded in the claim word `word`, or nil for 0 (none).
    init?(claimWord word: UInt64) {
        guard word != 0 else { return nil }
        identity = PackedProcessIdentity.claimWord.identity(of: word)
        liveness = PackedProcessIdentity.claimWord.liveness(of: word)
    }
}
#endif

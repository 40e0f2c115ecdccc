#if os(Linux)
extension SharedMemory {
    /// Opens an existing segment as ``init(open:access:populate:)`` does; if it does not exist
    /// yet, waits for it to appear until `deadline` (processes may start in any order).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if it did not appear in time; otherwise as
    ///   ``init(open:access:populate:)``.
    public init(
        open name: String, access: MappedRegion.Access = .readWrite, populate: Bool = false, until deadline: Deadline
    ) throws(InterprocessError) {
        self = try AppearanceWait.open(until: deadline, operation: "open shared memory", name: name) { () throws(InterprocessError) in
            try SharedMemory(open: name, access: access, populate: populate)
        }
    }

    /// Opens an existing segment, waiting up to `timeout` for it to appear; see
    /// ``init(open:access:populate:until:)``.
    public init(
        open name: String, access: MappedRegion.Access = .readWrite, populate: Bool = false, timeout: Duration
    ) throws(InterprocessError) {
        try self.init(open: name, access: access, populate: populate, until: .after(timeout))
    }
}
#endif

#if os(Linux)
extension ManagedSegment {
    /// Settles a grow or shrink whose process died holding the heap lock (M3).
    func settleInterruptedResize(operation: String) throws(InterprocessError) {}
}
#endif

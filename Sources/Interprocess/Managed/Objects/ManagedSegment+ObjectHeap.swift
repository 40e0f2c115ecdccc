#if os(Linux)
/// The managed segment's heap is where its named-object directory lives.
extension ManagedSegment: ObjectHeap {}
#endif

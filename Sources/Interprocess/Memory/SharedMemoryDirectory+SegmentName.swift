#if os(Linux)
extension SharedMemoryDirectory {
    /// The file that backs the segment `name`. Lives here, not in Platform, because Platform
    /// knows nothing of the layers above it.
    static func path(of name: SegmentName) -> String { path(of: name.rawValue) }
}
#endif

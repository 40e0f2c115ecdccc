#if os(Linux)
public import SystemPackage

/// Where a ``ManagedSegment`` lives.
///
/// ```swift
/// let inMemory = try ManagedSegment(create: "orders", size: 1 << 20)
/// let onDisk = try ManagedSegment(create: "orders", size: 1 << 20,
///                                 backing: .file(path: "/var/lib/app/orders.heap"))
/// ```
public enum ManagedSegmentBacking: Sendable, Hashable {
    /// A named POSIX shared-memory segment (`/dev/shm`): the segment's name is its name. Gone
    /// at reboot.
    case sharedMemory
    /// A mapped file at `path`, persistent across reboots; the segment's name labels messages.
    case file(path: FilePath)
}
#endif

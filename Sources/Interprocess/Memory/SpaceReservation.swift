#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Gives a new file (or shared-memory object) its size with the storage behind it reserved,
/// so that running out of space is an error now and never a SIGBUS on first touch later.
enum SpaceReservation {
    /// Whether storage is reserved up front or left sparse.
    enum Policy {
        /// Check free space, then allocate every block (`posix_fallocate`).
        case reserve
        /// Only set the size (`ftruncate`): blocks are allocated on first write.
        case sparse
    }

    /// Sizes `descriptor` to `size` bytes according to `policy`.
    static func size(
        _ descriptor: Int32, to size: Int, policy: Policy, operation: String, name: String
    ) throws(InterprocessError) {
        guard size > 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the size must be greater than 0 (got \(size))")
        }
        if policy == .sparse {
            try checkedCall(operation, name: name) { ftruncate(descriptor, off_t(size)) }
            return
        }
        var stats = statvfs()
        if fstatvfs(descriptor, &stats) == 0 {
            // A file system without a size limit (the kernel's internal one behind memfd_create,
            // a tmpfs mounted with size=0) reports 0 blocks: there the bound is memory, and
            // reserving more than there is would wake the OOM killer instead of failing.
            let available = stats.f_blocks > 0
                ? UInt64(stats.f_bavail) &* UInt64(stats.f_frsize)
                : SystemMemory.availableBytes()
            if let available, UInt64(size) > available {
                throw InterprocessError(.insufficientSpace, operation: operation, name: name,
                                        reason: "it needs \(ByteCount(size)), but only \(ByteCount(Int(clamping: available))) is free")
            }
        }
        // posix_fallocate returns the error number instead of setting errno.
        var result: Int32
        repeat { result = posix_fallocate(descriptor, 0, off_t(size)) } while result == EINTR
        switch result {
        case 0:
            return
        case ENOSPC:
            throw InterprocessError(.insufficientSpace, operation: operation, name: name, errno: .noSpace,
                                    reason: "the file system ran out of space reserving \(ByteCount(size))")
        case ENOMEM:
            throw InterprocessError(.insufficientSpace, operation: operation, name: name, errno: .noMemory,
                                    reason: "the system ran out of memory reserving \(ByteCount(size))")
        case EOPNOTSUPP, EINVAL:
            // This file system cannot reserve; fall back to a plain size.
            try checkedCall(operation, name: name) { ftruncate(descriptor, off_t(size)) }
        default:
            throw InterprocessError.system(Errno(rawValue: result), operation: operation, name: name)
        }
    }
}

/// A byte count printed for people: "512 B", "4 KiB", "1.5 GiB".
struct ByteCount: CustomStringConvertible {
    var bytes: Int
    init(_ bytes: Int) { self.bytes = bytes }

    var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[unit]) (\(bytes) bytes)"
    }
}
#endif

#if os(Linux)
import CInterprocessShim

/// Anonymous memory files (`memfd_create`) and their seals, which Swift cannot reach directly:
/// `memfd_create` through the variadic `syscall`, the seals through the variadic `fcntl`.
enum MemoryFile {
    /// Seals a memory file can carry (`F_SEAL_*`); once added, no holder can remove them.
    struct Seals: OptionSet {
        let rawValue: Int32

        /// No more seals may be added.
        static let seal = Seals(rawValue: ipc_seal_seal())
        /// The file may not shrink.
        static let shrink = Seals(rawValue: ipc_seal_shrink())
        /// The file may not grow.
        static let grow = Seals(rawValue: ipc_seal_grow())
        /// The contents may not be written.
        static let write = Seals(rawValue: ipc_seal_write())
    }

    /// A new memory file with close-on-exec; sealable if asked. Returns the descriptor, or -1
    /// with errno.
    static func create(label: String, allowSealing: Bool) -> Int32 {
        ipc_memfd_create(label, allowSealing ? 1 : 0)
    }

    /// Adds `seals` to the file. Returns 0, or -1 with errno.
    static func addSeals(_ seals: Seals, to descriptor: Int32) -> Int32 {
        ipc_add_seals(descriptor, seals.rawValue)
    }

    /// The seals the file carries, or nil if it cannot carry any (not a memory file).
    static func seals(of descriptor: Int32) -> Seals? {
        let raw = ipc_get_seals(descriptor)
        return raw >= 0 ? Seals(rawValue: raw) : nil
    }
}
#endif

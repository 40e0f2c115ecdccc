#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The calling process's pid namespace, and whether the mounted `/proc` shows it.
///
/// A pid means something only inside one pid namespace: pid 1 of a container is another process
/// than the host's pid 1. So every recorded identity carries the namespace it was recorded in
/// (the inode number of `/proc/self/ns/pid`), and a process is judged dead only by a process of
/// the same namespace, through a `/proc` that shows that namespace.
enum PIDNamespace {
    /// What this process knows about its own namespace.
    struct View: Equatable {
        /// The inode number of `/proc/self/ns/pid`; 0 when it cannot be read (no `/proc`).
        /// Linux numbers namespaces with 32-bit inode numbers (`ns_common.inum` is an
        /// `unsigned int`): 0xEFFFFFFC for the initial pid namespace, 0xF0000000 + n otherwise.
        var inode: UInt32
        /// Whether `/proc` was mounted for this namespace (not inherited from an ancestor, as
        /// after `unshare --pid` without `--mount-proc`): only then does `/proc/PID` name the
        /// process this process calls PID.
        var procShowsIt: Bool
    }

    private static let cachedInode = Atomic<UInt32>(0)
    /// 0: not read yet; 1: `/proc` shows another namespace; 2: it shows ours.
    private static let cachedProc = Atomic<UInt32>(0)
    private static let forkHandlerInstalled: Bool = {
        // A child forked after `unshare(CLONE_NEWPID)` lives in another namespace than its parent.
        pthread_atfork(nil, nil, { PIDNamespace.forget() }) == 0
    }()

    /// The calling process's namespace, read once (again after `fork`).
    static var current: View {
        let proc = cachedProc.load(ordering: .acquiring)
        if proc != 0 {
            return View(inode: cachedInode.load(ordering: .relaxed), procShowsIt: proc == 2)
        }
        let view = read()
        guard forkHandlerInstalled else { return view }
        cachedInode.store(view.inode, ordering: .relaxed)
        cachedProc.store(view.procShowsIt ? 2 : 1, ordering: .releasing)
        return view
    }

    /// Reads the namespace afresh.
    static func read() -> View {
        var info = stat()
        guard stat("/proc/self/ns/pid", &info) == 0, info.st_ino > 0, info.st_ino <= UInt64(UInt32.max) else {
            return View(inode: 0, procShowsIt: false)
        }
        return View(inode: UInt32(info.st_ino), procShowsIt: procShowsOwnNamespace())
    }

    /// `NSpid` in `/proc/self/status` lists this process's pid in every namespace from the one
    /// `/proc` was mounted for down to its own: one entry exactly when they are the same.
    /// Kernels before 4.1 have no `NSpid`; then `/proc/self` must name `getpid()`.
    private static func procShowsOwnNamespace() -> Bool {
        if case .success(let bytes) = ProcFiles.read("/proc/self/status", limit: 16384) {
            for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("NSpid:".utf8)) {
                let pids = line.dropFirst(6).split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
                return pids.count == 1 && Int32(String(decoding: pids[0], as: UTF8.self)) == getpid()
            }
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { readlink("/proc/self", $0.baseAddress!, $0.count - 1) }
        }
        guard count > 0 else { return false }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self)) == getpid()
    }

    private static func forget() {
        cachedProc.store(0, ordering: .releasing)
    }
}
#endif

#if os(Linux)
import CInterprocessShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Open-file-description record locks (`F_OFD_SETLK`, `F_OFD_SETLKW`, `F_OFD_GETLK`), built in
/// the C shim because `fcntl` is variadic. The kernel releases them when the last descriptor of
/// the open file description closes, so a dead holder never keeps one.
enum OFDLock {
    /// Places (or with `F_UNLCK` removes) a lock of `type` (`F_RDLCK`, `F_WRLCK`, `F_UNLCK`) on
    /// [`start`, `start + length`), `length == 0` meaning "to the end, however far the file
    /// grows"; waits for a conflicting lock to go if `wait`. Returns 0, or -1 with errno
    /// (`EAGAIN`/`EACCES`: a conflicting lock is held; `EINTR`).
    static func set(_ descriptor: Int32, type: Int32, start: Int64, length: Int64, wait: Bool) -> Int32 {
        ipc_ofd_setlock(descriptor, type, start, length, wait ? 1 : 0)
    }

    /// Whether a lock of `type` on the range could be placed: on return `type` is `F_UNLCK` if
    /// it could, else the type of a conflicting lock. Returns 0, or -1 with errno.
    static func query(_ descriptor: Int32, type: inout Int32, start: Int64, length: Int64) -> Int32 {
        ipc_ofd_getlock(descriptor, &type, start, length)
    }

    /// Removes every lock this descriptor's open file description holds, then closes it.
    ///
    /// Closing alone is not enough: a child process that another thread is spawning holds a
    /// copy of the descriptor until its `exec` closes it (`O_CLOEXEC`), and with it the open
    /// file description and its locks. A lock given up here must be free for the next taker at
    /// once, not when some unrelated child gets to run its `exec`.
    static func unlockAndClose(_ descriptor: Int32) {
        _ = ipc_ofd_setlock(descriptor, Int32(F_UNLCK), 0, 0, 0)
        close(descriptor)
    }
}
#endif

#if os(Linux)
import CInterprocessShim
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An `eventfd(2)` counter (close-on-exec, non-blocking): readable (for `poll`, `epoll`, an
/// event loop) while its counter is not zero. ``signal(_:)`` adds one, ``drain(_:)`` reads it
/// back to zero.
enum EventDescriptor {
    /// A new eventfd with its counter at 0.
    static func make(operation: String, name: String?) throws(InterprocessError) -> Int32 {
        let descriptor = ipc_eventfd_create()
        guard descriptor >= 0 else { throw InterprocessError.system(currentErrno, operation: operation, name: name) }
        return descriptor
    }

    /// Adds one to the counter, making the descriptor readable. Never blocks (a counter at its
    /// maximum, which takes 2^64 - 2 signals, stays readable).
    static func signal(_ descriptor: Int32) {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(descriptor, $0.baseAddress, 8) }
    }

    /// Reads the counter back to zero (the descriptor is no longer readable); returns what it
    /// held. Never blocks.
    @discardableResult
    static func drain(_ descriptor: Int32) -> UInt64 {
        var value: UInt64 = 0
        let count = withUnsafeMutableBytes(of: &value) { read(descriptor, $0.baseAddress, 8) }
        return count == 8 ? value : 0
    }
}
#endif

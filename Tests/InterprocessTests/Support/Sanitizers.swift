#if canImport(Glibc)
import Glibc
#endif

/// Whether the tests run under a sanitizer (`swift test --sanitize=thread|address`). Their
/// runtimes replace some system behaviour: `mlock` becomes a no-op, and a SIGSEGV is caught and
/// reported, then the process exits with an error status instead of dying by the signal.
enum Sanitizers {
    static let active: Bool = threadSanitizer || symbolExists("__asan_init")

    /// ThreadSanitizer emulates 128-bit atomic operations under a spin lock private to each
    /// process (compiler-rt's `mutex128`), so a 128-bit compare-and-swap is not atomic between
    /// two processes built with it: the MPMC queue's slot claims cannot work across processes there.
    static let threadSanitizer: Bool = symbolExists("__tsan_init")

    private static func symbolExists(_ name: String) -> Bool {
        guard let handle = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(handle) }
        return dlsym(handle, name) != nil
    }
}

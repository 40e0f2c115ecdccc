#if canImport(Glibc)
import Glibc
#endif

/// Whether the tests run under a sanitizer (`swift test --sanitize=thread|address`). Their
/// runtimes replace some system behaviour: `mlock` becomes a no-op, and a SIGSEGV is caught and
/// reported, then the process exits with an error status instead of dying by the signal.
enum Sanitizers {
    static let active: Bool = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(handle) }
        return dlsym(handle, "__tsan_init") != nil || dlsym(handle, "__asan_init") != nil
    }()
}

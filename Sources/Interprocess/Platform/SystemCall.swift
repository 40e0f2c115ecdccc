#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a C call that returns -1 and sets errno on failure, retrying while it is interrupted
/// by a signal (EINTR), as swift-system's `valueOrErrno` does.
@inline(__always)
func retryingInterrupts<Result: FixedWidthInteger>(_ call: () -> Result) -> Swift.Result<Result, Errno> {
    while true {
        let value = call()
        if value != -1 { return .success(value) }
        let error = Errno(rawValue: errno)
        if error != .interrupted { return .failure(error) }
    }
}

/// Runs a C call that returns 0 on success and -1 with errno on failure; throws a library error.
@inline(__always)
func checkedCall(
    _ operation: String, name: String? = nil, reason: String? = nil, _ call: () -> Int32
) throws(InterprocessError) {
    if case .failure(let errno) = retryingInterrupts(call) {
        throw .system(errno, operation: operation, name: name, reason: reason)
    }
}

/// Runs a C call that returns a value (a descriptor, a count) or -1 with errno; throws a library error.
@inline(__always)
func checkedValue<Value: FixedWidthInteger>(
    _ operation: String, name: String? = nil, reason: String? = nil, _ call: () -> Value
) throws(InterprocessError) -> Value {
    switch retryingInterrupts(call) {
    case .success(let value): return value
    case .failure(let errno): throw .system(errno, operation: operation, name: name, reason: reason)
    }
}

/// The current errno as a typed value.
var currentErrno: Errno { Errno(rawValue: errno) }
#endif

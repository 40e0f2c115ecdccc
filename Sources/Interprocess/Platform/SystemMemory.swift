#if os(Linux)
/// How much memory the system could still give to new shared memory: the bound for memory
/// whose file system has no size limit of its own (the kernel's internal tmpfs behind
/// `memfd_create`), where a free-space check has nothing to check against.
enum SystemMemory {
    /// `MemAvailable + SwapFree` from `/proc/meminfo`, in bytes; nil when it cannot be read.
    static func availableBytes() -> UInt64? {
        guard case .success(let bytes) = ProcFiles.read("/proc/meminfo", limit: 64 << 10) else { return nil }
        var available: UInt64? = nil
        var swapFree: UInt64 = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // "MemAvailable:   23456789 kB"
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count >= 2, let kilobytes = UInt64(String(decoding: fields[1], as: UTF8.self)) else { continue }
            switch String(decoding: fields[0], as: UTF8.self) {
            case "MemAvailable:": available = kilobytes &* 1024
            case "SwapFree:": swapFree = kilobytes &* 1024
            default: break
            }
        }
        return available.map { $0 &+ swapFree }
    }
}
#endif

import CInterprocessBench

/// The cheap clock of the latency loops: the CPU's time-stamp counter (one `rdtsc`, inlined
/// from C), converted to nanoseconds with a rate measured against CLOCK_MONOTONIC. Requires an
/// invariant counter (x86_64 `constant_tsc`, arm64's generic timer); falls back to the
/// monotonic clock where there is none.
struct BenchClock {
    /// Nanoseconds per tick.
    let nanosecondsPerTick: Double

    /// Measures the counter's rate over `milliseconds` of busy waiting.
    init(calibratingFor milliseconds: Int) {
        let startNanoseconds = ipcb_monotonic_ns()
        let startTicks = ipcb_ticks()
        let end = startNanoseconds + UInt64(milliseconds) * 1_000_000
        var nowNanoseconds = startNanoseconds
        while nowNanoseconds < end { nowNanoseconds = ipcb_monotonic_ns() }
        let ticks = ipcb_ticks() &- startTicks
        nanosecondsPerTick = ticks == 0 ? 1 : Double(nowNanoseconds - startNanoseconds) / Double(ticks)
    }

    /// `ticks` in nanoseconds.
    func nanoseconds(_ ticks: UInt64) -> Double { Double(ticks) * nanosecondsPerTick }
}

/// The current tick (see ``BenchClock``).
@inline(__always)
func benchTicks() -> UInt64 {
    #if arch(x86_64) || arch(arm64)
    ipcb_ticks()
    #else
    ipcb_monotonic_ns()
    #endif
}

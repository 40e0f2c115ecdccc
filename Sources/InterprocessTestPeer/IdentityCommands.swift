import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `identity-*`: hold something by this process's identity (run them under `unshare --pid` to
/// record an identity of another pid namespace), and `rw-read-recover`: a reader that repairs.
enum IdentityCommands {
    /// `identity-show`: prints "pid P start S namespace N" for this process.
    static func show(_ arguments: inout Arguments) throws {
        try arguments.finish()
        let me = ProcessIdentity.current
        UnbufferedLine.line("pid \(me.pid) start \(me.startTime) namespace \(me.pidNamespace)")
    }

    /// `identity-spsc-hold NAME producer|consumer`: attaches to an SPSC queue as that side,
    /// prints "attached", and holds it until killed.
    static func spscHold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let side = try arguments.next("SIDE")
        try arguments.finish()
        switch side {
        case "producer":
            let producer = try SPSCQueue(open: name).makeProducer()
            UnbufferedLine.line("attached")
            try PeerHoldTime("forever").wait()
            _ = consume producer
        case "consumer":
            let consumer = try SPSCQueue(open: name).makeConsumer()
            UnbufferedLine.line("attached")
            try PeerHoldTime("forever").wait()
            _ = consume consumer
        default:
            throw UsageError("SIDE must be producer or consumer (got '\(side)')")
        }
    }

    /// `identity-segment-hang NAME`: creates a segment and, inside its initializer, prints
    /// "initializing" and sleeps until killed: the segment never becomes ready.
    static func segmentHang(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        try arguments.finish()
        _ = try Segment(create: name, bodySize: 4096) { _ in
            UnbufferedLine.line("initializing")
            while true { sleep(60) }
        }
    }

    /// `rw-read-recover NAME`: takes the named lock's shared side with
    /// `withSharedLock(onOwnerDeath:)` (60 s at most, else exit 4): prints "repaired PID" if this
    /// reader repaired after a dead writer, then "read".
    static func readRecover(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        try arguments.finish()
        let lock = try ProcessRWLock(open: name)
        alarm(60)  // SIGALRM ends a reader that never gets in
        try lock.withSharedLock(onOwnerDeath: { dead in UnbufferedLine.line("repaired \(dead.pid)") }) {
            UnbufferedLine.line("read")
        }
    }
}

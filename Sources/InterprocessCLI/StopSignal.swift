import Foundation
import Synchronization

/// SIGINT and SIGTERM as a request to stop, for `pub` and `sub`: the handler only sets a flag
/// (the one thing a signal handler may safely do), and the command's loop, which never blocks
/// longer than a short slice (whichever thread the signal interrupts), sees it, detaches its
/// endpoint and prints its summary.
enum StopSignal {
    /// The signal that asked to stop, or 0.
    private static let received = Atomic<Int32>(0)

    /// Installs the handler for SIGINT and SIGTERM, and unblocks them: a process started by one
    /// that blocks them (a test runner, a supervisor) inherits that mask, and would never see them.
    static func install() {
        _ = received.load(ordering: .relaxed)  // initialized here, never first in the handler
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in StopSignal.received.store(signal, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Whether a stop was requested.
    static var requested: Bool { received.load(ordering: .relaxed) != 0 }
}

extension StopSignal {
    /// The longest a command blocks before it looks at the flag again.
    static let slice = Duration.milliseconds(100)

    /// Sleeps for `duration`, or less when a stop is requested (the signal interrupts the sleep).
    static func sleep(_ duration: Duration) {
        let end = ContinuousClock.now + duration
        while !requested {
            let left = end - ContinuousClock.now
            guard left > .zero else { return }
            let (seconds, attoseconds) = left.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            _ = nanosleep(&request, nil)
        }
    }
}

#if os(Linux)
import Synchronization

/// A snapshot of an ``EventService``: its configuration and its attached listeners and
/// notifiers, with each one's process and whether it is alive (what `interprocess inspect`
/// prints).
public struct EventServiceState: Sendable, Codable {
    /// The service's name.
    public var name: String
    /// Its configuration.
    public var configuration: EventServiceConfiguration
    /// The listeners attached, by entry.
    public var listeners: [EventListenerState]
    /// The notifiers attached, by entry.
    public var notifiers: [EventNotifierState]
}

/// One listener of an ``EventServiceState``.
public struct EventListenerState: Sendable, Codable, Hashable {
    /// Its entry in the listener table.
    public var index: Int
    /// Its process and whether it is alive.
    public var process: QueueEndpointState
    /// The ids notified and not yet taken.
    public var pendingEventIDs: [Int]
    /// Whether a blocked or async wait of it may be asleep.
    public var sleeping: Bool
    /// Whether it sits in a ``WaitSet`` (it has a wake socket).
    public var inWaitSet: Bool
    /// How many of its waits returned ids.
    public var waitsTaken: UInt64

    /// Reads entry `index`; nil when it is free. Every word is only reported (bits past the
    /// maximum id are dropped), so a hostile value cannot make the snapshot fail.
    static func read(_ storage: EventServiceStorage, index: Int) -> EventListenerState? {
        let entry = ListenerEntry(storage.listener(index))
        guard let process = QueueEndpointState(claimWord: entry.claim.pointee.load(ordering: .acquiring)) else { return nil }
        var pending: [Int] = []
        let maximum = storage.configuration.maximumEventID
        for word in 0..<storage.geometry.eventWords {
            var bits = entry.events(word).pointee.load(ordering: .relaxed)
            while bits != 0 {
                let id = word * 64 + bits.trailingZeroBitCount
                bits &= bits &- 1
                if id <= maximum { pending.append(id) }
            }
        }
        return EventListenerState(index: index, process: process, pendingEventIDs: pending,
                                  sleeping: entry.waiters.pointee.load(ordering: .relaxed) != 0,
                                  inWaitSet: entry.nonce.pointee.load(ordering: .relaxed) != 0,
                                  waitsTaken: entry.taken.pointee.load(ordering: .relaxed))
    }
}

/// One notifier of an ``EventServiceState``.
public struct EventNotifierState: Sendable, Codable, Hashable {
    /// Its entry in the notifier table.
    public var index: Int
    /// Its process and whether it is alive.
    public var process: QueueEndpointState
    /// How many notifications it sent.
    public var notificationCount: UInt64
}

extension EventService {
    /// A snapshot of the service. Never throws: every word it reads is only reported.
    public var state: EventServiceState {
        let storage = self.storage
        let listeners = (0..<configuration.maximumListeners).compactMap { EventListenerState.read(storage, index: $0) }
        let notifiers = (0..<configuration.maximumNotifiers).compactMap { index -> EventNotifierState? in
            guard let process = QueueEndpointState(claimWord: EventEntries.notifierClaim(storage, index).pointee.load(ordering: .acquiring))
            else { return nil }
            return EventNotifierState(index: index, process: process,
                                      notificationCount: EventEntries.notifierCount(storage, index).pointee.load(ordering: .relaxed))
        }
        return EventServiceState(name: name, configuration: configuration, listeners: listeners, notifiers: notifiers)
    }
}
#endif

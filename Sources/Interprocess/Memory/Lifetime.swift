#if os(Linux)
/// What happens to a name when the handle that created it goes away: the `lifetime:` of every
/// `create` and `openOrCreate` in the library (segments, queues, named locks).
public enum Lifetime: Sendable, Hashable, CustomStringConvertible {
    /// The name stays until someone removes it (`remove(_:)`, or `interprocess rm`/`gc`). The
    /// default, because shared state must outlive a crashed process for a restarted one to
    /// recover it — and a crashed creator never runs any cleanup, so removal on close could not
    /// be relied on anyway. `interprocess gc` removes what no live process uses.
    case persistent
    /// The creator removes the name when its handle goes away. Processes that already have it
    /// open keep using it; later opens fail with ``InterprocessError/Code/notFound``. A creator
    /// that is killed never closes: its name stays until `interprocess gc` finds it unused.
    ///
    /// With `openOrCreate` this can split peers: once the creator is gone and the name removed, a
    /// peer B that opened earlier keeps the old object while a later peer C's `openOrCreate` makes
    /// a new one under the same name, and B and C no longer talk. Use it when one process owns the
    /// object for the others' whole run (the creator outlives its peers); for peers that come and
    /// go in any order, keep ``persistent`` and remove the name when the group is done.
    case removedWhenCreatorCloses

    /// "persistent" or "removed when creator closes".
    public var description: String {
        self == .persistent ? "persistent" : "removed when creator closes"
    }
}
#endif

#if os(Linux)
/// "Open it, or create it if there is none", for everything that lives under a name (segments,
/// queues, named primitives): the one loop that settles a race between processes doing it at
/// once. A create that loses to another creator opens the winner's object; an open that loses
/// to a remove creates again (a few times, then reports the `notFound`), so racing processes
/// end up with one object.
enum CreateOrOpen {
    /// How many times a create/open pair is tried while the name keeps being removed under it.
    static let attempts = 8

    /// Runs `create`, and on `alreadyExists` runs `open`; repeats while `open` finds nothing.
    ///
    /// - Throws: what `create` or `open` throws (other than the race's own codes), and the last
    ///   `notFound` re-labelled as `operation` after ``attempts`` lost races.
    static func run<Opened: ~Copyable>(
        operation: String,
        create: () throws(InterprocessError) -> Opened,
        open: () throws(InterprocessError) -> Opened
    ) throws(InterprocessError) -> Opened {
        var races = 0
        while true {
            do {
                return try create()
            } catch where error.code == .alreadyExists {}
            do {
                return try open()
            } catch where error.code == .notFound {
                races += 1
                if races == attempts { throw error.reported(as: operation) }
            }
        }
    }
}
#endif

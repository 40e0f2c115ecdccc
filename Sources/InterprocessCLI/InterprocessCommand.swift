import ArgumentParser

/// `interprocess`: list, inspect, watch, dump, create and remove shared-memory segments; list
/// publish/subscribe services, publish to them and subscribe to them.
@main
struct InterprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interprocess",
        abstract: "Inspect and manage shared-memory segments (/dev/shm); publish to and subscribe to services.",
        discussion: """
            Exit codes: 0 success; 1 the operation failed (the reason is printed); \
            2 `inspect` found the segment but it is not valid (foreign, truncated, corrupt, \
            incompatible version, its creator died while initializing it, or its live state is \
            corrupt); 64 bad usage (an unknown option, a bad name, size, count, duration, CPU or \
            kind, an option of another kind, a configuration out of range).

            --json, for every command: standard output is one JSON object whose top-level keys \
            name the result sets (lists under plural keys such as "segments" or "results", one \
            item under singular keys such as "segment" or "state"); a failure is \
            {"error": {"code", "message", "name", "errno"}}. `watch --json` prints one such \
            object per line, per tick, and `sub --json` one object per line, per sample.
            """,
        version: "0.1.0",
        subcommands: [
            ListCommand.self, InspectCommand.self, CheckCommand.self, WatchCommand.self, DumpCommand.self, CreateCommand.self, RemoveCommand.self,
            CollectGarbageCommand.self, ServicesCommand.self, PubCommand.self, SubCommand.self, CallCommand.self,
            NotifyCommand.self, ListenCommand.self,
            JournalCommand.self,
            DemoCommand.self, BenchCommand.self, BenchPeerCommand.self,
        ]
    )
}

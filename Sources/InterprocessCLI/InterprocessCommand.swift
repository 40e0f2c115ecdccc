import ArgumentParser

/// `interprocess`: list, inspect, create and remove shared-memory segments.
@main
struct InterprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interprocess",
        abstract: "Inspect and manage shared-memory segments (/dev/shm).",
        discussion: """
            Exit codes: 0 success; 1 the operation failed (the reason is printed); \
            2 `inspect` found the segment but it is not valid (foreign, truncated, corrupt, \
            incompatible version, or its creator died while initializing it); 64 bad usage.
            """,
        version: "0.1.0",
        subcommands: [
            ListCommand.self, InspectCommand.self, WatchCommand.self, DumpCommand.self, CreateCommand.self, RemoveCommand.self,
            CollectGarbageCommand.self,
            DemoCommand.self, BenchCommand.self, BenchPeerCommand.self,
        ]
    )
}

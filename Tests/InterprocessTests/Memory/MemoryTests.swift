import Testing

/// The tests of the Memory layer (SharedMemory, AnonymousSharedMemory, MappedFile, MappedRegion),
/// one suite per concept nested here, so that `swift test --filter MemoryTests` runs them all.
@Suite("Memory")
enum MemoryTests {}

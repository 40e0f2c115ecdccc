import ArgumentParser
import Interprocess

/// `interprocess services`: every publish/subscribe service with its publisher, subscribers and
/// pool, as the library's own ``ServiceState`` snapshots report them.
struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "List the publish/subscribe services: configuration, publisher, subscribers, pools.",
        discussion: """
            Every service in /dev/shm that can be opened, by name: its configuration, its \
            publisher (pid, alive/dead/unknown) and how many samples it published; each \
            subscriber (pid, liveness, overrun policy, position, depth: published and not yet \
            read, received, missed, samples held); each pool generation (slots, slot size, slots \
            in use). JSON: {"services": [ServiceState...]}.
            """
    )

    @OptionGroup var output: OutputOptions

    func run() throws {
        let states = Service.all()
        if output.json {
            try output.printJSON(["services": states])
        } else {
            print(ServiceText.tables(states))
        }
    }
}

import ArgumentParser
import Interprocess

/// `interprocess services`: every publish/subscribe service in detail (the library's own
/// ``ServiceState`` snapshots), then every service-like segment of every kind with its
/// configuration and participants (``ServiceDirectory/all()``).
struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "List the services of every kind (pub/sub, broadcast, blackboard, queues) with their participants.",
        discussion: """
            First every publish/subscribe service that can be opened, by name: its configuration, \
            its publisher (pid, alive/dead/unknown) and how many samples it published; each \
            subscriber (pid, liveness, overrun policy, position, depth: published and not yet \
            read, received, missed, samples held); each pool generation (slots, slot size, slots \
            in use). Then every service-like segment of every kind (publish/subscribe services, \
            broadcast streams, blackboards, SPSC and MPMC queues): name, kind, configuration, \
            and the processes attached (role, pid, liveness); one that cannot be read is shown \
            with its problem, and files of other kinds or other programs are skipped. \
            JSON: {"services": [ServiceState...], "all": [ServiceListing...]}.
            """
    )

    @OptionGroup var output: OutputOptions

    func run() throws {
        let states = Service.all()
        let listings = ServiceDirectory.all()
        if output.json {
            try output.printJSON(Listing(services: states, all: listings))
        } else {
            print(ServiceText.tables(states))
            print("")
            print(ServiceText.listings(listings))
        }
    }

    struct Listing: Encodable {
        var services: [ServiceState]
        var all: [ServiceListing]
    }
}

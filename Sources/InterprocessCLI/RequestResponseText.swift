import Interprocess

/// A request/response service's state as `inspect` prints it for people.
enum RequestResponseText {
    static func rows(_ state: RequestResponseState) -> [[String]] {
        let configuration = state.configuration
        let clients = state.clients.map {
            "seat \($0.seat): \(LiveState.describe($0.process.identity, $0.process.liveness)), \($0.pendingRequests) pending, \($0.requestsInProgress) in progress"
        }
        return [
            ["sizes", "requests up to \(Formatting.size(configuration.maximumRequestSize)), responses up to \(Formatting.size(configuration.maximumResponseSize))"],
            ["limits", "\(configuration.maximumClients) clients, \(configuration.requestsInFlightPerClient) requests in flight each, \(configuration.responsesPerRequest) responses buffered per request"],
            ["server", state.server.map { LiveState.describe($0.identity, $0.liveness) + (state.serverSleeping ? ", asleep" : "") } ?? "none"],
            ["served", "\(state.servedCount) requests, \(state.takeovers) server takeovers"],
            ["clients", clients.isEmpty ? "none" : clients.joined(separator: "; ")],
        ] + (state.problem.map { [["problem", $0]] } ?? [])
    }
}

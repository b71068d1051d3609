import Foundation

/// What the job drivers (`BatchTeacher`, `RemoteFineTuning`) share while they follow a job on
/// the server: waiting between polls while still answering the user at once, and riding out a
/// service that cannot be reached for a while (a restart) before giving up.
struct JobPolling {
    private var unreachableSince: Date?

    /// Notes a poll that reached the service.
    mutating func reached() {
        unreachableSince = nil
    }

    /// Notes a poll that could not reach the service; true once polls have failed for longer
    /// than `tolerance` seconds in a row.
    mutating func unreachable(longerThan tolerance: Double) -> Bool {
        let since = unreachableSince ?? Date()
        unreachableSince = since
        return Date().timeIntervalSince(since) > tolerance
    }

    /// Waits `seconds` in slices of 50 ms, asking `stop` between them; returns its first
    /// non-nil answer (so Ctrl-C is answered at once), or what it says when the time is up.
    static func wait<Decision>(_ seconds: Double, until stop: () -> Decision?) -> Decision? {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let decision = stop() { return decision }
            usleep(50_000)
        }
        return stop()
    }
}

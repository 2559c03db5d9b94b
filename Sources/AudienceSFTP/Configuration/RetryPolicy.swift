/// How often to retry transient connection failures (refused, reset) and how long to wait in between.
public struct RetryPolicy: Sendable, Hashable {
    /// Total number of attempts, at least 1.
    public var attempts: Int
    /// Pause before attempt n+2 is `delays[n]`; the last value repeats.
    public var delays: [Duration]

    /// 3 attempts, waiting 1 s and then 2 s.
    public static let `default` = RetryPolicy(attempts: 3, delays: [.seconds(1), .seconds(2)])
    /// A single attempt.
    public static let none = RetryPolicy(attempts: 1, delays: [])

    public init(attempts: Int, delays: [Duration]) {
        self.attempts = max(1, attempts)
        self.delays = delays
    }

    func delay(after attempt: Int) -> Duration {
        guard !delays.isEmpty else { return .zero }
        return delays[min(attempt - 1, delays.count - 1)]
    }
}

extension AudienceStore {
    /// Runs, newest first.
    ///
    /// - Parameters:
    ///   - directory: only this directory's runs.
    ///   - outcome: only runs with this outcome (`applied`, `unchanged`, `held`, `rejected`, ...).
    ///   - limit: at most this many.
    public func history(directory: String? = nil, outcome: String? = nil, limit: Int = 20) throws -> [RunSummary] {
        try read("reading the history") { try RunLog.list(db: $0, directory: directory, outcome: outcome, limit: limit) }
    }

    /// The rejected rows stored for a run.
    public func rejections(runID: Int64) throws -> [Rejection] {
        try read("reading rejected rows") { try RunLog.rejections(db: $0, runID: runID) }
    }
}

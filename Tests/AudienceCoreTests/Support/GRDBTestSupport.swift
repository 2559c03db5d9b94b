import GRDB

enum GRDBTestSupport {
    static func queue(_ path: String) throws -> DatabaseQueue { try DatabaseQueue(path: path) }
}

// The user_groups.csv scanner under fuzzing: the input is scanned as a membership file against a fixed
// users.csv, at three chunk sizes, through a real file (the production path: read(2)). The three scans must
// agree with each other, keep their counts and positions inside the input, and agree with MembershipModel.

import AudienceCSV
import Foundation

enum MembershipCheck {
    static let file = "user_groups.csv"
    static let path = scratchPath("groups")

    /// Every kind of users.csv row a membership can name: active (u1, u2, u3, and " u6 " whose key is
    /// trimmed), inactive (u4), rejected for a bad email (u5) and rejected as a repeated user_id (u7).
    static let usersCSV = """
        user_id,email,first_name,last_name,state
        u1,u1@x.com,A,A,active
        u2,u2@x.com,B,B,active
        u3,u3@x.com,C,C,active
        u4,u4@x.com,D,D,inactive
        u5,not-an-email,E,E,active
        \tu6 ,u6@x.com,F,F,active
        u7,u7@x.com,G,G,active
        u7,u7b@x.com,G,G,active

        """

    /// The scanned users.csv, made once per fuzzer process.
    static let snapshot: UsersSnapshot = {
        let usersPath = scratchPath("users")
        guard FileManager.default.createFile(atPath: usersPath, contents: Data(usersCSV.utf8)) else {
            fatalError("cannot write \(usersPath)")
        }
        defer { unlink(usersPath) }
        do {
            let snapshot = try UsersScanner(attributes: .all, csvOptions: CSVOptions()).scan(
                path: usersPath, file: "users.csv")
            let statuses = snapshot.rows.map(\.status)
            guard statuses == [.active, .active, .active, .inactive, .rejected, .active, .rejected, .rejected] else {
                fatalError("the fixed users.csv scanned as \(statuses)")
            }
            return snapshot
        } catch {
            fatalError("the fixed users.csv was refused: \(error)")
        }
    }()

    /// The model's view of the same users: trimmed user_id bytes to the first row's position and status.
    static let users: [[UInt8]: (position: Int, status: UserRow.Status)] = {
        var users: [[UInt8]: (position: Int, status: UserRow.Status)] = [:]
        for (position, id) in ["u1", "u2", "u3", "u4", "u5", "u6", "u7"].enumerated() {
            users[Array(id.utf8)] = (position, snapshot.rows[position].status)
        }
        return users
    }()

    /// Member ids far from row positions, so a pair that packs a position instead of an id is caught.
    static let memberIDs: [Int64] = snapshot.rows.indices.map { 7_000 + Int64($0) }

    /// One scan: its result and group table, or the error it threw.
    struct Scan {
        var result: MembershipScanner.Result?
        var groups: [(key: [UInt8], name: [UInt8])] = []
        var error: ValidationError?
    }

    static func run(_ bytes: [UInt8], shape: InputShape) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("cannot write \(path)")
        }
        defer { unlink(path) }
        let sizes = [1 + (bytes.count &* 5 + Int(bytes.last ?? 0)) % 11, 64, 1 << 16]
        let scans = sizes.map { scan(chunkSize: $0) }
        for (size, other) in zip(sizes.dropFirst(), scans.dropFirst()) where !same(scans[0], other) {
            fatalError("chunk size \(sizes[0]) and \(size) disagree: \(describe(scans[0])) vs \(describe(other))")
        }
        check(scans[0], shape: shape)
        let model = MembershipModel(bytes, shape: shape, file: file)
        guard model.agrees(with: scans[0]) else {
            fatalError("scanner disagrees with the model: \(describe(scans[0])) vs \(model.summary)")
        }
    }

    static func scan(chunkSize: Int) -> Scan {
        let options = CSVOptions(maxFieldBytes: fieldLimit, maxRecordBytes: recordLimit, chunkSize: chunkSize)
        var table = GroupTable()
        do {
            let result = try MembershipScanner(csvOptions: options).scanMemberships(
                path: path, file: file, users: snapshot, memberIDs: memberIDs, groups: &table)
            return Scan(result: result, groups: table.entries.map { (Array($0.key.utf8), Array($0.name.utf8)) })
        } catch let error as ValidationError {
            switch error {
            case .csv(.cannotOpen), .csv(.readFailed): fatalError("I/O error from a scratch file: \(error)")
            case .csv, .duplicateColumn, .missingColumn, .emptyFile: break
            default: fatalError("unexpected scan error \(error)")
            }
            guard error.description.hasPrefix(file) else { fatalError("scan error without file name: \(error)") }
            return Scan(error: error)
        } catch {
            fatalError("scan threw \(error)")
        }
    }

    /// Same result and table, or the same error (a size limit may stand in for another CSV fault, as in
    /// sameStory: where a field is cut decides which check fires first).
    static func same(_ a: Scan, _ b: Scan) -> Bool {
        switch (a.error, b.error) {
        case (nil, nil):
            guard let x = a.result, let y = b.result else { return false }
            return x.pairs == y.pairs && x.rejections.entries == y.rejections.entries
                && x.rejections.count == y.rejections.count && x.dataRows == y.dataRows
                && a.groups.elementsEqual(b.groups) { $0.key == $1.key && $0.name == $1.name }
        case (.csv(let x)?, .csv(let y)?):
            return x == y || isLimit(x) || isLimit(y)
        case (let x?, let y?):
            return x == y
        default:
            return false
        }
    }

    /// What holds whatever the rules: counts add up, pairs are sorted and unique and name real members and
    /// groups, every rejection sits on a data line of the input and inside the row.
    static func check(_ scan: Scan, shape: InputShape) {
        guard let result = scan.result else { return }
        guard result.rejections.count == result.rejections.entries.count,
            result.rejections.count + result.pairs.count <= result.dataRows
        else {
            fatalError("\(result.rejections.count) rejections + \(result.pairs.count) pairs > \(result.dataRows) rows")
        }
        for (earlier, later) in zip(result.pairs, result.pairs.dropFirst()) where earlier >= later {
            fatalError("pairs not sorted and unique: \(earlier), \(later)")
        }
        for pair in result.pairs {
            let member = PackedMembership.member(pair)
            let group = Int(PackedMembership.group(pair))
            guard memberIDs.contains(member), group < scan.groups.count else {
                fatalError("pair names member \(member), group \(group) of \(scan.groups.count)")
            }
        }
        var previous = 1
        for rejection in result.rejections.entries {
            guard rejection.file == file, rejection.line > previous, rejection.line <= shape.maxLine,
                !rejection.reason.isEmpty
            else { fatalError("rejection out of place (previous line \(previous)): \(rejection)") }
            if let column = rejection.column, !(1...shape.maxColumn).contains(column) {
                fatalError("rejection names column \(column), input has at most \(shape.maxColumn)")
            }
            previous = rejection.line
        }
    }

    static func describe(_ scan: Scan) -> String {
        if let error = scan.error { return "error \(error)" }
        guard let result = scan.result else { return "nothing" }
        let lines = result.rejections.entries.prefix(8).map { "\($0.line):\($0.column ?? 0)" }
        return "\(result.dataRows) rows, \(result.pairs.count) pairs, \(scan.groups.count) groups, rejected \(lines)"
    }

    static func scratchPath(_ name: String) -> String {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/audience-fuzz-\(name)-\(getpid()).csv"
    }
}

// The users.csv validator under fuzzing: header layout, then every row through UserRowChecker,
// then the real UsersScanner over a file (the production path: read(2), duplicate detection).

import AudienceCSV
import Foundation

enum ValidatorCheck {
    static let file = "users.csv"
    /// One scratch file per fuzzer process, in memory when /dev/shm exists.
    static let path: String = {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/audience-fuzz-\(getpid()).csv"
    }()

    static func run(_ bytes: [UInt8], shape: InputShape) {
        let rowsSeen = checkRows(bytes, shape: shape)
        checkScanner(bytes, shape: shape, rowsSeen: rowsSeen)
    }

    /// Every data row becomes a row or exactly one rejection naming this file, its line and a column
    /// inside the row. Returns the number of data rows, or nil when the header was refused.
    static func checkRows(_ bytes: [UInt8], shape: InputShape) -> Int? {
        let options = CSVOptions(maxFieldBytes: fieldLimit, maxRecordBytes: recordLimit, chunkSize: 5)
        let reader = CSVReader(bytes: bytes, displayName: file, options: options)
        var checker: UserRowChecker?
        var headerRefused = false
        var rows = 0
        var rejections = RejectionLog()
        var unidentified = 0
        do {
            try reader.forEachRecord { record in
                if headerRefused { return }
                guard let checker else {
                    do {
                        let layout = try FileLayout.users(header: record, file: file)
                        checker = UserRowChecker(
                            layout: layout, columns: UserColumns(layout: layout, attributes: .all), file: file,
                            hashContent: true)
                    } catch let error as ValidationError {
                        checkHeaderError(error)
                        headerRefused = true
                    } catch {
                        fatalError("header check threw \(error)")
                    }
                    return
                }
                rows += 1
                let before = rejections.count
                let row = checker.check(record, rejections: &rejections, unidentified: &unidentified)
                switch row.status {
                case .active, .inactive:
                    guard rejections.count == before else { fatalError("accepted row also rejected") }
                    guard row.key != Hash128(high: 0, low: 0) else { fatalError("accepted row without user_id") }
                    guard record.count == checker.layout.width, record.issue == nil else {
                        fatalError("accepted a row of the wrong width or with a quoting issue")
                    }
                case .rejected:
                    guard rejections.count == before + 1, let rejection = rejections.entries.last else {
                        fatalError("rejected row logged \(rejections.count - before) rejections")
                    }
                    guard rejection.file == file, rejection.line == record.line, !rejection.reason.isEmpty else {
                        fatalError("rejection not positioned: \(rejection)")
                    }
                    if let column = rejection.column, !(1...max(record.count, checker.layout.width)).contains(column) {
                        fatalError("rejection names column \(column) of a \(record.count)-field row")
                    }
                }
            }
        } catch let error as CSVError {
            guard error.file == file else { fatalError("CSV error names \(error.file)") }
        } catch {
            fatalError("validator threw \(error)")
        }
        return headerRefused || checker == nil ? nil : rows
    }

    static func checkHeaderError(_ error: ValidationError) {
        switch error {
        case .duplicateColumn(let name, _, let first, let second):
            guard name == file, first >= 1, second > first else { fatalError("bad duplicate-column error \(error)") }
        case .missingColumn(let name, _, _):
            guard name == file else { fatalError("bad missing-column error \(error)") }
        default:
            fatalError("unexpected header error \(error)")
        }
        guard error.description.hasPrefix("\(file):1: ") else { fatalError("header error without file:1: \(error)") }
    }

    /// The whole scan over a real file agrees with the in-memory pass and keeps its counts straight.
    static func checkScanner(_ bytes: [UInt8], shape: InputShape, rowsSeen: Int?) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("cannot write \(path)")
        }
        defer { unlink(path) }
        let options = CSVOptions(maxFieldBytes: fieldLimit, maxRecordBytes: recordLimit, chunkSize: 64)
        let scanner = UsersScanner(attributes: .all, csvOptions: options)
        do {
            let snapshot = try scanner.scan(path: path, file: file)
            guard let rowsSeen, rowsSeen == snapshot.rows.count else {
                fatalError("scanner kept \(snapshot.rows.count) rows, row pass saw \(String(describing: rowsSeen))")
            }
            let rejected = snapshot.rows.filter { $0.status == .rejected }.count
            guard snapshot.activeCount + snapshot.inactiveCount + rejected == snapshot.rows.count,
                snapshot.rejections.count >= rejected
            else { fatalError("scanner counts do not add up") }
            for rejection in snapshot.rejections.entries {
                guard rejection.file == file, (2...shape.maxLine).contains(rejection.line) else {
                    fatalError("scanner rejection outside the input: \(rejection)")
                }
            }
        } catch let error as ValidationError {
            guard error.description.hasPrefix(file) else { fatalError("scan error without file name: \(error)") }
            switch error {
            case .csv, .duplicateColumn, .missingColumn, .emptyFile, .noDataRows: break
            default: fatalError("unexpected scan error \(error)")
            }
        } catch {
            fatalError("scan threw \(error)")
        }
    }
}

/// Byte-level checks for individual fields. They work on the parser's buffers, so validating a
/// row allocates nothing.
enum FieldRules {
    /// Whether a member is synced, from the `state` column.
    enum State: Equatable {
        case active
        case inactive
    }

    private static let activeWords: [StaticString] = ["active", "enabled", "true", "1"]
    private static let inactiveWords: [StaticString] = [
        "inactive", "disabled", "suspended", "deactivated", "terminated", "deleted", "false", "0",
    ]

    /// Parses `state`: active spellings, inactive spellings (any case, trimmed), or nil for anything else.
    static func state(_ bytes: UnsafeBufferPointer<UInt8>) -> State? {
        let value = trimmed(bytes)
        if activeWords.contains(where: { equalsIgnoringASCIICase(value, $0) }) { return .active }
        if inactiveWords.contains(where: { equalsIgnoringASCIICase(value, $0) }) { return .inactive }
        return nil
    }

    @inline(__always) static func equalsIgnoringASCIICase(_ value: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard value.count == word.utf8CodeUnitCount else { return false }
        let expected = word.utf8Start
        for index in 0..<value.count {
            let byte = value[index]
            let folded = byte >= 65 && byte <= 90 ? byte + 32 : byte
            if folded != expected[index] { return false }
        }
        return true
    }

    /// The slice without leading and trailing ASCII spaces and tabs.
    @inline(__always) static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Why an email address is unacceptable, or nil when it is fine.
    ///
    /// The rule is deliberately practical, not RFC 5322: one `@`, a non-empty local part of at
    /// most 64 bytes, a domain with at least one dot whose labels are letters, digits, hyphens or
    /// non-ASCII (IDN) characters, no spaces or control characters, at most 254 bytes in all.
    static func emailProblem(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        let email = trimmed(raw)
        let count = email.count
        if count == 0 { return "email is empty" }
        if count > 254 { return "email is longer than 254 bytes" }
        guard let bytes = email.baseAddress else { return "email is empty" }
        // One pass classifies every byte; the rare failures are explained afterwards.
        let classes = emailByteClasses
        var at = -1
        var ats = 0
        var worst: UInt8 = 0
        for index in 0..<count {
            let byte = bytes[index]
            if byte == 0x40 {
                ats += 1
                at = index
            }
            worst |= classes[Int(byte)]
        }
        if worst & 1 != 0 { return "email contains a space or control character" }
        if worst & 2 != 0 { return "email contains a character not allowed in an address" }
        if ats == 0 { return "email has no '@'" }
        if ats > 1 { return "email has more than one '@'" }
        if at == 0 { return "email has nothing before '@'" }
        if at > 64 { return "email's local part is longer than 64 bytes" }
        if bytes[0] == 0x2e || bytes[at - 1] == 0x2e { return "email's local part starts or ends with '.'" }
        if at == count - 1 { return "email has nothing after '@'" }
        var labelLength = 0
        var labels = 1
        var previous: UInt8 = 0x2e
        for index in (at + 1)..<count {
            let byte = bytes[index]
            if byte == 0x2e {
                if labelLength == 0 { return "email's domain has an empty label" }
                if previous == 0x2d { return "email's domain has a label ending in '-'" }
                labels += 1
                labelLength = 0
            } else {
                if classes[Int(byte)] & 4 != 0 {
                    return "email's domain contains a character not allowed in a host name"
                }
                if labelLength == 0 && byte == 0x2d { return "email's domain has a label starting with '-'" }
                labelLength += 1
                if labelLength > 63 { return "email's domain has a label longer than 63 bytes" }
            }
            previous = byte
        }
        if labelLength == 0 { return "email's domain ends with '.'" }
        if labels < 2 { return "email's domain has no dot" }
        return nil
    }

    /// Per byte: 1 = space or control, 2 = not allowed anywhere in an address, 4 = not allowed in a
    /// host name (letters, digits, '-', '.' and non-ASCII IDN bytes are). A raw table read once
    /// into a local keeps the per-byte loop free of bounds checks and reference counting.
    nonisolated(unsafe) private static let emailByteClasses: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        let forbidden = Set(",;<>\"()[]\\".utf8)
        for value in 0..<256 {
            let byte = UInt8(value)
            var flags: UInt8 = 0
            if byte <= 0x20 || byte == 0x7f { flags |= 1 }
            if forbidden.contains(byte) { flags |= 2 }
            let lower = byte | 0x20
            let hostByte = byte >= 0x80 || (lower >= 0x61 && lower <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x2e
            if !hostByte { flags |= 4 }
            table[value] = flags
        }
        return UnsafePointer(table)
    }()

    /// Whether the value is an ISO 8601 calendar date (`YYYY-MM-DD`), optionally followed by a `T` time part.
    static func isISODate(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let value = trimmed(raw)
        guard value.count >= 10 else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            var result = 0
            for index in range {
                let byte = value[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                result = result * 10 + Int(byte - 0x30)
            }
            return result
        }
        guard let year = digits(0..<4), value[4] == UInt8(ascii: "-"), let month = digits(5..<7),
            value[7] == UInt8(ascii: "-"), let day = digits(8..<10)
        else { return false }
        if value.count > 10 && value[10] != UInt8(ascii: "T") && value[10] != UInt8(ascii: " ") { return false }
        guard (1...12).contains(month), day >= 1, year >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// The case-folded comparison key of an email: trimmed and lowercased (ASCII fast path).
    static func emailKey(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        let value = trimmed(raw)
        var ascii = true
        for byte in value where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            return String(unsafeUninitializedCapacity: value.count) { buffer in
                for (index, byte) in value.enumerated() {
                    buffer[index] = byte >= 65 && byte <= 90 ? byte + 32 : byte
                }
                return value.count
            }
        }
        return String(decoding: value, as: UTF8.self).lowercased()
    }

    /// Hashes the email key without building a String when the address is ASCII.
    static func emailKeyHash(_ raw: UnsafeBufferPointer<UInt8>) -> Hash128 {
        let value = trimmed(raw)
        guard value.count <= 256 else { return Hasher128.hash(emailKey(raw)) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer in
            var high: UInt8 = 0
            for index in 0..<value.count {
                let byte = value[index]
                high |= byte
                buffer[index] = byte &+ ((byte &- 65) < 26 ? 32 : 0)
            }
            if high >= 0x80 { return Hasher128.hash(emailKey(raw)) }
            return Hasher128.hash(UnsafeBufferPointer(rebasing: buffer[0..<value.count]))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A wall-clock instant with millisecond precision, formatted as RFC 3339 in UTC.
///
/// Formatting is pure arithmetic (no `DateFormatter`, no locale, no time zone database), so it is cheap on every
/// log line and identical on every machine: `2026-11-29T04:30:00.123Z`.
public struct LogTimestamp: Sendable, Hashable {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    public var seconds: Int64
    /// Milliseconds within the second, 0 to 999.
    public var milliseconds: Int

    /// Creates a timestamp; `milliseconds` outside 0...999 is carried into `seconds`.
    public init(seconds: Int64, milliseconds: Int = 0) {
        let carry = Int64(milliseconds.floorDivided(by: 1000))
        self.seconds = seconds + carry
        self.milliseconds = milliseconds.floorModulo(1000)
    }

    /// The current time of the system's real-time clock.
    public static func now() -> LogTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return LogTimestamp(seconds: Int64(spec.tv_sec), milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, always 24 characters for years 0 to 9999.
    public var rfc3339: String {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int(seconds.floorModulo(86_400))
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        var text = ""
        text.reserveCapacity(24)
        text.appendPadded(year, width: 4)
        text.append("-")
        text.appendPadded(month, width: 2)
        text.append("-")
        text.appendPadded(day, width: 2)
        text.append("T")
        text.appendPadded(secondOfDay / 3600, width: 2)
        text.append(":")
        text.appendPadded(secondOfDay / 60 % 60, width: 2)
        text.append(":")
        text.appendPadded(secondOfDay % 60, width: 2)
        text.append(".")
        text.appendPadded(milliseconds, width: 3)
        text.append("Z")
        return text
    }

    /// Proleptic Gregorian date of a day count (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

extension BinaryInteger {
    fileprivate func floorDivided(by divisor: Self) -> Self {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Self) -> Self {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}

extension String {
    fileprivate mutating func appendPadded(_ value: Int, width: Int) {
        let digits = String(value)
        if digits.count < width { append(String(repeating: "0", count: width - digits.count)) }
        append(digits)
    }
}

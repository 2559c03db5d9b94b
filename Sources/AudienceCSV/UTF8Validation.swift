/// Strict UTF-8 validation (Unicode 15, table 3-7).
///
/// Rejects overlong encodings (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF),
/// code points above U+10FFFF (F4 90.., F5..FF), stray continuation bytes and sequences cut short.
/// The reader only calls this for records that contain a byte >= 0x80, so the common all-ASCII
/// record never pays for it.
enum UTF8Validation {
    /// Whether `count` bytes at `start` are well-formed UTF-8.
    static func isValid(_ start: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        while i < count {
            // ASCII runs are common even in accented names: skip them 8 bytes at a time.
            while i &+ 8 <= count {
                let word = UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)
                if word & ByteScanning.highBits != 0 { break }
                i &+= 8
            }
            if i >= count { return true }
            let lead = start[i]
            if lead < 0x80 {
                i &+= 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80  // allowed range of the second byte
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF:
                length = 2
            case 0xE0:
                length = 3
                low = 0xA0  // below is overlong
            case 0xED:
                length = 3
                high = 0x9F  // above is a surrogate
            case 0xE1...0xEC, 0xEE...0xEF:
                length = 3
            case 0xF0:
                length = 4
                low = 0x90  // below is overlong
            case 0xF1...0xF3:
                length = 4
            case 0xF4:
                length = 4
                high = 0x8F  // above is beyond U+10FFFF
            default:
                return false  // continuation byte, C0/C1 overlong lead, or F5..FF
            }
            if count &- i < length { return false }
            let second = start[i &+ 1]
            if second < low || second > high { return false }
            var k = 2
            while k < length {
                if start[i &+ k] & 0xC0 != 0x80 { return false }
                k &+= 1
            }
            i &+= length
        }
        return true
    }

    /// Whether `bytes` are well-formed UTF-8.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return isValid(base, count: bytes.count)
    }
}

/// Bytes with a meaning in CSV syntax.
enum ASCII {
    static let comma: UInt8 = 0x2C
    static let quote: UInt8 = 0x22
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let nul: UInt8 = 0x00
}

/// SWAR (SIMD within a register) search for CSV stop bytes, 8 bytes per step.
///
/// Most bytes of an HR export are ordinary text, so checking a whole word per iteration instead
/// of one byte roughly halves the cost of the hot loop. The reader's buffer always ends with a
/// 0 sentinel (itself a stop byte) followed by spare bytes, so the loops need no bounds check
/// and 8-byte loads never leave the allocation.
enum ByteScanning {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte lane of `word` that equals `byte`.
    ///
    /// Lanes above the first match may be false positives (borrow propagation), so only the
    /// lowest set bit is meaningful; that is all the callers use.
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let t = word ^ (ones &* UInt64(byte))
        return (t &- ones) & ~t
    }

    /// High bit set in each lane of `word` holding a byte below `limit` (lowest set bit exact).
    @inline(__always)
    static func below(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word
    }

    /// Mask of lanes that may hold `,` `"` LF CR or NUL (only the lowest set bit is exact).
    ///
    /// NUL, LF and CR are found with one "below 0x0E" test instead of three equality tests; the
    /// other control bytes it also catches (mostly TAB) are rare and skipped by the caller.
    @inline(__always)
    static func unquotedStops(_ word: UInt64) -> UInt64 {
        (below(word, 0x0E) | matches(word, ASCII.comma) | matches(word, ASCII.quote)) & highBits
    }

    /// Mask of lanes that may hold `"` LF or NUL, the bytes that matter inside a quoted field
    /// (control bytes 0x01...0x09 are false positives skipped by the caller).
    @inline(__always)
    static func quotedStops(_ word: UInt64) -> UInt64 {
        (below(word, 0x0B) | matches(word, ASCII.quote)) & highBits
    }

    /// Whether a byte reported by the masks above is really a stop, not a harmless control byte.
    @inline(__always)
    static func isControlFalsePositive(_ byte: UInt8) -> Bool {
        byte != ASCII.nul && byte != ASCII.lf && byte != ASCII.cr && byte < 0x0E
    }

    /// Returns the first byte at or after `start` that is `,` `"` LF CR or NUL, and ORs every
    /// byte before it into `seen` so the caller can tell whether the record holds non-ASCII bytes.
    @inline(__always)
    static func nextUnquotedStop(_ start: UnsafeMutablePointer<UInt8>, seen: inout UInt64) -> UnsafeMutablePointer<
        UInt8
    > {
        var p = start
        while true {
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            let stops = unquotedStops(word)
            if stops != 0 {
                // Keep only the lanes before the stop: later bytes belong to other fields or records.
                seen |= word & ((stops & (0 &- stops)) &- 1)
                let stop = p + (stops.trailingZeroBitCount &>> 3)
                if isControlFalsePositive(stop.pointee) {
                    p = stop + 1
                    continue
                }
                return stop
            }
            seen |= word
            p += 8
        }
    }

    /// Returns the first byte at or after `start` that is `"` LF or NUL, ORing the bytes before it into `seen`.
    @inline(__always)
    static func nextQuotedStop(_ start: UnsafeMutablePointer<UInt8>, seen: inout UInt64) -> UnsafeMutablePointer<UInt8>
    {
        var p = start
        while true {
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            let stops = quotedStops(word)
            if stops != 0 {
                seen |= word & ((stops & (0 &- stops)) &- 1)
                let stop = p + (stops.trailingZeroBitCount &>> 3)
                if isControlFalsePositive(stop.pointee) {
                    p = stop + 1
                    continue
                }
                return stop
            }
            seen |= word
            p += 8
        }
    }
}

/// A 128-bit, seed-stable hash (MurmurHash3 x64/128) of byte strings.
///
/// Keys (`user_id`, lowercased emails, group keys) are compared by this hash instead of by
/// string, so the snapshot never holds one `String` per row. 128 bits make an accidental
/// collision among a few million keys practically impossible (about 2^-88), and the value is
/// stable across processes, so it can be stored in the database and compared run after run.
public struct Hash128: Hashable, Sendable, Comparable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static func < (lhs: Hash128, rhs: Hash128) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// The 64-bit signed value SQLite stores for one half.
    @inline(__always) static func stored(_ half: UInt64) -> Int64 { Int64(bitPattern: half) }
}

/// Incremental MurmurHash3 x64/128 over several fields.
///
/// Each field is hashed with its length mixed in, so `("ab","c")` and `("a","bc")` differ.
struct Hasher128 {
    private var h1: UInt64
    private var h2: UInt64
    private var total: UInt64 = 0

    private static let c1: UInt64 = 0x87c3_7b91_1142_53d5
    private static let c2: UInt64 = 0x4cf5_ad43_2745_937f

    init(seed: UInt64 = 0x5eed_a0d1_e4ce_5a1c) {
        h1 = seed
        h2 = seed ^ 0x9e37_79b9_7f4a_7c15
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 {
        (x << r) | (x >> (64 - r))
    }

    @inline(__always) private static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    @inline(__always) private mutating func mix(_ k1In: UInt64, _ k2In: UInt64) {
        var k1 = k1In
        var k2 = k2In
        k1 &*= Self.c1
        k1 = Self.rotl(k1, 31)
        k1 &*= Self.c2
        h1 ^= k1
        h1 = Self.rotl(h1, 27)
        h1 &+= h2
        h1 = h1 &* 5 &+ 0x52dc_e729
        k2 &*= Self.c2
        k2 = Self.rotl(k2, 33)
        k2 &*= Self.c1
        h2 ^= k2
        h2 = Self.rotl(h2, 31)
        h2 &+= h1
        h2 = h2 &* 5 &+ 0x3849_5ab5
    }

    /// Mixes one field's bytes, its length and an optional tag into the hash.
    ///
    /// A field shorter than 16 bytes costs one mixing round: the tail, the length and the tag go
    /// into the same block, so `("ab","c")` and `("a","bc")` still differ.
    @inline(__always) mutating func combine(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt64 = 0) {
        let count = bytes.count
        total &+= UInt64(truncatingIfNeeded: count)
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        if count > 0, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var offset = 0
            while offset + 16 <= count {
                let a = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
                mix(a, b)
                offset += 16
            }
            let rest = count - offset
            if rest >= 8 {
                k1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                for index in 8..<rest { k2 |= UInt64(base[offset + index]) << UInt64((index - 8) * 8) }
            } else {
                for index in 0..<rest { k1 |= UInt64(base[offset + index]) << UInt64(index * 8) }
            }
        }
        mix(k1, k2 ^ (UInt64(truncatingIfNeeded: count) << 40) ^ (tag << 8) ^ 0xa5)
    }

    /// Mixes a small integer (a flag, a separator) into the hash.
    @inline(__always) mutating func combine(_ value: UInt64) {
        mix(value, 0x7f4a_7c15)
    }

    mutating func combine(_ string: String) {
        var copy = string
        copy.withUTF8 { combine($0) }
    }

    func finalize() -> Hash128 {
        var a = h1 ^ total
        var b = h2 ^ total
        a &+= b
        b &+= a
        a = Self.fmix(a)
        b = Self.fmix(b)
        a &+= b
        b &+= a
        return Hash128(high: a, low: b)
    }

    /// Hashes one byte string.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Hash128 {
        var hasher = Hasher128()
        hasher.combine(bytes)
        return hasher.finalize()
    }

    static func hash(_ string: String) -> Hash128 {
        var hasher = Hasher128()
        hasher.combine(string)
        return hasher.finalize()
    }
}

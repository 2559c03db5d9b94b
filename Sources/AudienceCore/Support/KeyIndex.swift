/// An open-addressing hash table from `Hash128` keys to row numbers.
///
/// The keys are already uniformly distributed 128-bit hashes, so the table uses their low bits
/// directly instead of re-hashing them with SipHash as `Dictionary` would; at a million rows
/// this is what keeps validation at hundreds of MB/s. Linear probing over one array of
/// key-and-value slots (one cache miss per lookup), power-of-two capacity, load at most 1/2.
struct KeyIndex {
    private struct Slot {
        var key: Hash128
        /// -1 marks an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = [Slot](repeating: Slot(key: Hash128(high: 0, low: 0), value: -1), count: capacity)
        mask = capacity - 1
    }

    /// The value stored for `key`, or nil.
    @inline(__always) subscript(key: Hash128) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            var index = Int(truncatingIfNeeded: key.low) & mask
            while true {
                let slot = slots[index]
                if slot.value < 0 { return nil }
                if slot.key == key { return slot.value }
                index = (index + 1) & mask
            }
        }
    }

    /// Stores `value` for `key` unless the key is present.
    ///
    /// - Returns: the value already stored for the key, or nil when `value` was inserted.
    @inline(__always) mutating func insertIfAbsent(_ key: Hash128, _ value: Int32) -> Int32? {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = mask
        let existing: Int32? = slots.withUnsafeMutableBufferPointer { slots in
            var index = Int(truncatingIfNeeded: key.low) & mask
            while true {
                let slot = slots[index]
                if slot.value < 0 {
                    slots[index] = Slot(key: key, value: value)
                    return nil
                }
                if slot.key == key { return slot.value }
                index = (index + 1) & mask
            }
        }
        if existing == nil { count += 1 }
        return existing
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(key: Hash128(high: 0, low: 0), value: -1), count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for slot in old where slot.value >= 0 {
            _ = insertIfAbsent(slot.key, slot.value)
        }
    }
}

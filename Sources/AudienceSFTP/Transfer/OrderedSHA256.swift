import Crypto

/// SHA-256 over chunks that may arrive out of offset order (after short SFTP replies).
///
/// In-order chunks are hashed straight away; early ones are copied aside until the gap before them closes,
/// so memory stays bounded by the requests in flight.
struct OrderedSHA256 {
    private var hasher = SHA256()
    private var parked: [UInt64: [UInt8]] = [:]
    /// Bytes hashed so far, all contiguous from offset 0.
    private(set) var contiguousBytes: UInt64 = 0

    mutating func add(_ chunk: UnsafeRawBufferPointer, at offset: UInt64) {
        guard offset == contiguousBytes else {
            parked[offset] = Array(chunk)
            return
        }
        hasher.update(bufferPointer: chunk)
        contiguousBytes += UInt64(chunk.count)
        while let next = parked.removeValue(forKey: contiguousBytes) {
            hasher.update(data: next)
            contiguousBytes += UInt64(next.count)
        }
    }

    /// True when every byte in `0..<size` was hashed and nothing is left parked.
    func isComplete(upTo size: UInt64) -> Bool {
        parked.isEmpty && contiguousBytes == size
    }

    /// Lowercase hex digest.
    func finalize() -> String {
        hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

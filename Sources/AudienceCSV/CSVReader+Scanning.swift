extension CSVReader {
    /// Parses and delivers every complete record in the buffer.
    ///
    /// When the buffer ends mid-record (and the file has more bytes), the scan stops and
    /// `dataStart` is left at that record's first byte; after ``refill()`` the record is scanned
    /// again from its start. The buffer is only read, never rewritten, until a record is complete
    /// (unescaping `""` waits until then), which is what makes restarting safe; records cross a
    /// chunk boundary about once per chunk, so the re-scan costs nothing measurable.
    ///
    /// Hot-loop state lives in locals rather than stored properties so the optimizer keeps it in
    /// registers and skips exclusivity checks.
    func scanBufferedRecords(_ body: (borrowing CSVRecord) throws -> Void) throws {
        let base = buffer
        let end = buffer + dataEnd
        let atEOF = sourceExhausted
        let maxField = options.maxFieldBytes
        let maxRecord = options.maxRecordBytes
        var offsets = self.offsets
        var offsetLimit = offsetCapacity
        var p = buffer + dataStart
        var line = self.line
        var delivered = 0
        defer { recordsRead &+= delivered }

        while true {
            // Empty lines (zero bytes between terminators) are skipped but counted.
            while true {
                let c = p.pointee
                if c == ASCII.lf {
                    line &+= 1
                    p += 1
                } else if c == ASCII.cr {
                    if p + 1 == end && !atEOF {
                        // Cannot tell CRLF from a lone CR yet.
                        try suspend(record: p, line: line, field: p, column: 1)
                        return
                    }
                    p += 1
                    if p.pointee == ASCII.lf { p += 1 }
                    line &+= 1
                } else {
                    break
                }
            }
            if p == end {
                dataStart = p - base
                self.line = line
                return
            }

            let recordStart = p
            let recordLine = line
            var count = 0
            var seen: UInt64 = 0  // OR of the current field's bytes: a high bit means "validate UTF-8"
            var nonASCII: UInt64 = 0  // bit i: field i needs validating (bit 63: field 63 or later)
            var anyEscaped = false
            var issue: CSVRecordIssue? = nil
            var invalidAfterQuote = 0  // 1-based column whose text after its closing quote is not UTF-8

            while true {
                let fieldStart = p
                let contentStart: UnsafeMutablePointer<UInt8>
                let contentEnd: UnsafeMutablePointer<UInt8>
                var escaped = false
                if p.pointee == ASCII.quote {
                    let quoteLine = line
                    p += 1
                    contentStart = p
                    while true {
                        p = ByteScanning.nextQuotedStop(p, seen: &seen)
                        let c = p.pointee
                        if c == ASCII.quote {
                            // A quote that is the last buffered byte sees the sentinel, looks like a
                            // closing quote, and is suspended just below as "end after closing quote".
                            if p[1] == ASCII.quote {
                                escaped = true
                                p += 2
                                continue
                            }
                            break
                        }
                        if c == ASCII.lf {
                            line &+= 1
                            p += 1
                            continue
                        }
                        if p != end {
                            throw CSVError.nulByte(file: displayName, line: line, column: count + 1)
                        }
                        if atEOF {
                            throw CSVError.unterminatedQuote(file: displayName, line: quoteLine)
                        }
                        try suspend(record: recordStart, line: recordLine, field: fieldStart, column: count + 1)
                        return
                    }
                    contentEnd = p
                    p += 1
                    let next = p.pointee
                    if next != ASCII.comma && next != ASCII.lf && next != ASCII.cr {
                        if p == end {
                            if !atEOF {
                                try suspend(record: recordStart, line: recordLine, field: fieldStart, column: count + 1)
                                return
                            }
                        } else {
                            // `"ab"c`: keep the quoted part, skip to the delimiter, flag the row.
                            if issue == nil { issue = .textAfterClosingQuote(column: count + 1) }
                            while true {
                                p = ByteScanning.nextUnquotedStop(p, seen: &seen)
                                let c = p.pointee
                                if c == ASCII.quote {
                                    p += 1
                                    continue
                                }
                                if c == ASCII.nul {
                                    if p != end {
                                        throw CSVError.nulByte(file: displayName, line: line, column: count + 1)
                                    }
                                    if !atEOF {
                                        try suspend(
                                            record: recordStart, line: recordLine, field: fieldStart, column: count + 1)
                                        return
                                    }
                                }
                                break
                            }
                            // The skipped text is not part of the field, but a file with invalid
                            // UTF-8 anywhere is refused: it is reported in column order with the fields.
                            let skipped = contentEnd + 1
                            if invalidAfterQuote == 0 && !UTF8Validation.isValid(skipped, count: p - skipped) {
                                invalidAfterQuote = count + 1
                            }
                        }
                    }
                } else {
                    contentStart = p
                    while true {
                        p = ByteScanning.nextUnquotedStop(p, seen: &seen)
                        let c = p.pointee
                        if c == ASCII.quote {
                            // `ab"c`: keep the raw text, flag the row.
                            if issue == nil { issue = .bareQuote(column: count + 1) }
                            p += 1
                            continue
                        }
                        if c == ASCII.nul {
                            if p != end {
                                throw CSVError.nulByte(file: displayName, line: line, column: count + 1)
                            }
                            if !atEOF {
                                try suspend(record: recordStart, line: recordLine, field: fieldStart, column: count + 1)
                                return
                            }
                        }
                        break
                    }
                    contentEnd = p
                }

                // p is now on `,` LF CR, or the sentinel at the end of a file without a final newline.
                if p - fieldStart > maxField {
                    throw CSVError.fieldTooLarge(
                        file: displayName, line: recordLine, column: count + 1, limit: maxField)
                }
                if count == offsetLimit {
                    offsets = growOffsets()
                    offsetLimit = offsetCapacity
                }
                // A complemented start marks a field that still holds `""` pairs.
                let start = contentStart - base
                offsets[2 &* count] = escaped ? ~start : start
                offsets[2 &* count &+ 1] = contentEnd - base
                // Validating only the fields with non-ASCII bytes keeps accented names cheap.
                if seen & ByteScanning.highBits != 0 {
                    nonASCII |= 1 &<< UInt64(min(count, 63))
                    seen = 0
                }
                count &+= 1
                anyEscaped = anyEscaped || escaped

                let delimiter = p.pointee
                if delimiter == ASCII.comma {
                    p += 1
                    continue
                }
                let recordEnd = p
                if delimiter == ASCII.lf {
                    p += 1
                    line &+= 1
                } else if delimiter == ASCII.cr {
                    if p + 1 == end && !atEOF {
                        try suspend(record: recordStart, line: recordLine, field: fieldStart, column: count)
                        return
                    }
                    p += 1
                    if p.pointee == ASCII.lf { p += 1 }
                    line &+= 1
                }
                if recordEnd - recordStart > maxRecord {
                    throw CSVError.recordTooLarge(file: displayName, line: recordLine, limit: maxRecord)
                }
                break
            }

            if anyEscaped {
                Self.unescapeFields(base: base, offsets: offsets, count: count)
            }
            if nonASCII != 0 || invalidAfterQuote != 0 {
                try validateFields(
                    base: base, offsets: offsets, count: count, flags: nonASCII, line: recordLine,
                    invalidAfterQuote: invalidAfterQuote)
            }
            delivered &+= 1
            try body(CSVRecord(line: recordLine, count: count, issue: issue, base: base, offsets: offsets))
        }
    }

    /// Records where to resume after the buffer ran out mid-record, first checking the partial
    /// record against the limits so an endless quoted field cannot grow the buffer.
    private func suspend(
        record: UnsafeMutablePointer<UInt8>, line: Int, field: UnsafeMutablePointer<UInt8>, column: Int
    ) throws(CSVError) {
        var partialEnd = buffer + dataEnd
        // A trailing CR may be half of a CRLF terminator, which the limits do not count.
        if partialEnd > record && partialEnd[-1] == ASCII.cr { partialEnd -= 1 }
        if partialEnd - field > options.maxFieldBytes {
            throw CSVError.fieldTooLarge(file: displayName, line: line, column: column, limit: options.maxFieldBytes)
        }
        if partialEnd - record > options.maxRecordBytes {
            throw CSVError.recordTooLarge(file: displayName, line: line, limit: options.maxRecordBytes)
        }
        dataStart = record - buffer
        self.line = line
    }

    /// Checks the flagged fields are UTF-8; bit 63 of `flags` stands for every field from 63 on.
    private func validateFields(
        base: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<Int>, count: Int, flags: UInt64, line: Int,
        invalidAfterQuote: Int
    ) throws(CSVError) {
        var index = 0
        while index < count {
            if flags & (1 &<< UInt64(min(index, 63))) != 0 {
                let start = offsets[2 &* index]
                if !UTF8Validation.isValid(base + start, count: offsets[2 &* index &+ 1] &- start) {
                    throw CSVError.invalidUTF8(file: displayName, line: line, column: index + 1)
                }
            }
            if index + 1 == invalidAfterQuote {
                throw CSVError.invalidUTF8(file: displayName, line: line, column: index + 1)
            }
            index &+= 1
        }
    }

    /// Turns `""` into `"` in place for the fields flagged during the scan. The record is complete
    /// by now, so rewriting the buffer cannot confuse a later re-scan.
    static func unescapeFields(base: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<Int>, count: Int) {
        for index in 0..<count {
            let flagged = offsets[2 &* index]
            if flagged >= 0 { continue }
            let start = ~flagged
            var read = base + start
            var write = read
            let stop = base + offsets[2 &* index &+ 1]
            while read < stop {
                let byte = read.pointee
                write.pointee = byte
                write += 1
                // Inside a quoted field every quote is the first of a pair.
                read += byte == ASCII.quote ? 2 : 1
            }
            offsets[2 &* index] = start
            offsets[2 &* index &+ 1] = write - base
        }
    }
}

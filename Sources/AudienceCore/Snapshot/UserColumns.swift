import AudienceCSV

/// The column positions that validation and hashing need, resolved once per file.
struct UserColumns {
    var userID: Int
    var email: Int
    var firstName: Int
    var lastName: Int
    var state: Int?
    /// The `employment_start_date` column, when that attribute is enabled and present.
    var startDate: Int?
    /// Enabled attributes, in canonical order, with their column (nil when the file lacks it).
    var stored: [(attribute: Attribute, column: Int?)]

    static let empty = UserColumns(userID: 0, email: 0, firstName: 0, lastName: 0, state: nil, startDate: nil, stored: [])

    var required: [Int] { [userID, email, firstName, lastName] }

    init(
        userID: Int, email: Int, firstName: Int, lastName: Int, state: Int?, startDate: Int?,
        stored: [(attribute: Attribute, column: Int?)]
    ) {
        self.userID = userID
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.state = state
        self.startDate = startDate
        self.stored = stored
    }

    init(layout: FileLayout, attributes: AttributeSelection) {
        // The layout guarantees the required columns exist.
        userID = layout["user_id"]!
        email = layout["email"]!
        firstName = layout["first_name"]!
        lastName = layout["last_name"]!
        state = layout["state"]
        stored = attributes.enabled.map { ($0, layout[$0.rawValue]) }
        startDate = attributes.contains(.employmentStartDate) ? layout[Attribute.employmentStartDate.rawValue] : nil
    }

    /// Hash of everything stored for this member; equal hashes mean "unchanged".
    ///
    /// The enabled attribute names are part of the hash, so enabling an attribute updates every member.
    func contentHash(of record: borrowing CSVRecord) -> UInt64 {
        var hasher = Hasher128()
        hasher.combine(FieldRules.trimmed(record.fieldBytes(userID)))
        hasher.combine(FieldRules.trimmed(record.fieldBytes(email)))
        hasher.combine(FieldRules.trimmed(record.fieldBytes(firstName)))
        hasher.combine(FieldRules.trimmed(record.fieldBytes(lastName)))
        for index in stored.indices {
            let tag = UInt64(stored[index].attribute.tag)
            if let column = stored[index].column {
                hasher.combine(FieldRules.trimmed(record.fieldBytes(column)), tag: tag)
            } else {
                hasher.combine(UnsafeBufferPointer(start: nil, count: 0), tag: tag | 0x100)
            }
        }
        return hasher.finalize().low
    }
}

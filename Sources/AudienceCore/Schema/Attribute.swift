/// An opt-in member attribute from the WorkOS directory format.
///
/// Attributes are stored only when enabled for a directory; a disabled attribute is never written.
public enum Attribute: String, CaseIterable, Sendable, Codable, Comparable {
    case username
    case jobTitle = "job_title"
    case departmentName = "department_name"
    case divisionName = "division_name"
    case costCenterName = "cost_center_name"
    case employeeType = "employee_type"
    case employmentStartDate = "employment_start_date"
    case managerEmail = "manager_email"
    case managerID = "manager_id"
    case preferredLanguage = "preferred_language"
    case rawAddress = "raw_address"
    case streetAddress = "street_address"
    case city
    case region
    case postalCode = "postal_code"
    case country

    /// WorkOS's own column names, accepted as aliases of ours.
    static let aliases: [String: Attribute] = [
        "work_address_street": .streetAddress,
        "work_address_locality": .city,
        "work_address_region": .region,
        "work_address_postal_code": .postalCode,
        "work_address_country": .country,
    ]

    /// A stable number for hashing; it is part of every stored content hash, so never renumber.
    var tag: Int {
        switch self {
        case .username: 1
        case .jobTitle: 2
        case .departmentName: 3
        case .divisionName: 4
        case .costCenterName: 5
        case .employeeType: 6
        case .employmentStartDate: 7
        case .managerEmail: 8
        case .managerID: 9
        case .preferredLanguage: 10
        case .rawAddress: 11
        case .streetAddress: 12
        case .city: 13
        case .region: 14
        case .postalCode: 15
        case .country: 16
        }
    }

    public static func < (lhs: Attribute, rhs: Attribute) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// The set of opt-in attributes enabled for one directory.
public struct AttributeSelection: Sendable, Equatable, CustomStringConvertible {
    public let enabled: [Attribute]

    public static let none = AttributeSelection(enabled: [])
    public static let all = AttributeSelection(enabled: Attribute.allCases)

    public init(enabled: some Sequence<Attribute>) {
        self.enabled = Array(Set(enabled)).sorted()
    }

    /// Parses `all`, `none`, an empty string, or a comma-separated list of attribute names.
    ///
    /// - Throws: `ValidationError.unknownAttribute` naming the first unknown name.
    public init(parsing list: String) throws(ValidationError) {
        let trimmed = list.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "all" {
            self = .all
            return
        }
        if trimmed.isEmpty || trimmed == "none" {
            self = .none
            return
        }
        var result: [Attribute] = []
        for raw in trimmed.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let attribute = Attribute(rawValue: name) ?? Attribute.aliases[name] else {
                throw .unknownAttribute(name: name)
            }
            result.append(attribute)
        }
        self.init(enabled: result)
    }

    public func contains(_ attribute: Attribute) -> Bool { enabled.contains(attribute) }

    /// The canonical text stored with each run, e.g. `city,job_title` or `none`.
    public var description: String {
        enabled.isEmpty ? "none" : enabled.map(\.rawValue).joined(separator: ",")
    }
}

import Foundation

@testable import AudienceCore
import Testing

@Suite("Field rules")
struct FieldRulesTests {
    private func check<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var copy = text
        return copy.withUTF8 { body($0) }
    }

    @Test(arguments: [
        "a@b.co", "first.last+tag@sub.example.com", " Padded@Example.COM ", "josé@exämple.de", "x@xn--bcher-kva.example",
    ])
    func validEmails(_ email: String) {
        #expect(check(email) { FieldRules.emailProblem($0) } == nil)
    }

    @Test(arguments: [
        ("", "empty"), ("plain", "no '@'"), ("a@b@c.com", "more than one"), ("@b.com", "nothing before"),
        ("a@", "nothing after"), ("a@localhost", "no dot"), ("a b@c.com", "space"), ("a@b..com", "empty label"),
        ("a@-b.com", "starting with '-'"), ("a@b.com.", "ends with '.'"), (".a@b.com", "starts or ends with '.'"),
        ("a@b_c.com", "not allowed in a host name"), (String(repeating: "a", count: 65) + "@b.com", "longer than 64"),
        ("a@" + String(repeating: "b", count: 250) + ".com", "longer than 254"), ("\"a\"@b.com", "not allowed"),
    ])
    func invalidEmails(_ email: String, _ reason: String) {
        let problem = check(email) { FieldRules.emailProblem($0) }
        #expect(problem?.contains(reason) == true, "\(email): \(problem ?? "accepted")")
    }

    @Test(arguments: [
        ("active", FieldRules.State.active), ("ENABLED", .active), (" True ", .active), ("1", .active),
        ("Inactive", .inactive), ("disabled", .inactive), ("SUSPENDED", .inactive), ("deactivated", .inactive),
        ("terminated", .inactive), ("deleted", .inactive), ("false", .inactive), ("0", .inactive),
    ])
    func knownStates(_ text: String, _ state: FieldRules.State) {
        #expect(check(text) { FieldRules.state($0) } == state)
    }

    @Test(arguments: ["", "on leave", "yes", "2", "activ"])
    func unknownStates(_ text: String) {
        #expect(check(text) { FieldRules.state($0) } == nil)
    }

    @Test(arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("1900-02-29", false), ("2000-02-29", true),
        ("2024-13-01", false), ("2024-04-31", false), ("2024-1-01", false), ("01/02/2024", false),
        ("2024-06-30T09:00:00Z", true), ("2024-06-30X", false), ("", false),
    ])
    func isoDates(_ text: String, _ valid: Bool) {
        #expect(check(text) { FieldRules.isISODate($0) } == valid)
    }

    @Test func emailKeyFoldsCaseAndTrims() {
        #expect(check("  Ann.Lee@Example.COM ") { FieldRules.emailKey($0) } == "ann.lee@example.com")
        #expect(check("ÉMILE@Example.com") { FieldRules.emailKey($0) } == "émile@example.com")
        #expect(check("Ann@X.com") { FieldRules.emailKeyHash($0) } == check("ann@x.com") { FieldRules.emailKeyHash($0) })
    }

    @Test func attributeListsParse() throws {
        #expect(try AttributeSelection(parsing: "all") == .all)
        #expect(try AttributeSelection(parsing: "") == .none)
        #expect(try AttributeSelection(parsing: "city, job_title,work_address_country").description == "city,country,job_title")
        #expect(throws: ValidationError.unknownAttribute(name: "shoe_size")) {
            try AttributeSelection(parsing: "city,shoe_size")
        }
    }
}

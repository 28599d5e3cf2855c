/// Builds a JSON object from optional members over a base of unknown members.
struct JSONObjectBuilder {
    var members: [String: JSONValue]

    init(extra: [String: JSONValue]) { members = extra }

    mutating func set(_ key: String, _ value: String?) {
        if let value { members[key] = .string(value) }
    }

    mutating func set(_ key: String, _ value: Int?) {
        if let value { members[key] = .int(value) }
    }

    mutating func set(_ key: String, _ value: Bool?) {
        if let value { members[key] = .bool(value) }
    }

    mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { members[key] = value }
    }

    var json: JSONValue { .object(members) }
}

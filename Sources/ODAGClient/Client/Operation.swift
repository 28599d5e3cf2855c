import ODAGCore

/// One API call before it becomes HTTP requests.
struct Operation: Sendable {
    /// Whether sending the call twice could do its work twice.
    enum Safety: Sendable {
        /// `GET`, `PUT`, `DELETE` and renames: repeating gives the same result, so retry freely.
        case idempotent
        /// Creates and reloads: re-sent only when the earlier attempt certainly did not reach the server, or
        /// was refused with `429`.
        case once
    }

    var method: String
    var path: [String]
    var body: JSONValue?
    var safety: Safety
    /// What a `404` means, such as `link 4e2c…`; `nil` when the path itself would be missing.
    var missing: String?

    init(method: String, path: [String], body: JSONValue? = nil, safety: Safety = .idempotent, missing: String? = nil) {
        self.method = method
        self.path = path
        self.body = body
        self.safety = safety
        self.missing = missing
    }
}

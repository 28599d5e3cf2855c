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
    /// Query parameters after the xrfkey, in order; names and values are sent as they are (plain words).
    var query: [(name: String, value: String)]
    var body: JSONValue?
    var safety: Safety
    /// What a `404` means, such as `link 4e2c…`; `nil` when the path itself would be missing.
    var missing: String?
    /// Whether a `409`, or a `400` naming `modifiedDate`, means the `modifiedDate` sent is no longer the
    /// link's (Qlik's modify).
    var checksModifiedDate: Bool

    init(
        method: String, path: [String], query: [(name: String, value: String)] = [], body: JSONValue? = nil,
        safety: Safety = .idempotent, missing: String? = nil, checksModifiedDate: Bool = false
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.safety = safety
        self.missing = missing
        self.checksModifiedDate = checksModifiedDate
    }
}

/// Qlik's `LinkStateChangeResponse`: the link as the server now has it, and what it says about the change.
/// `POST /links`, `PUT /links/{id}` and `GET /links/{id}` answer in this wrapper.
public struct QseowLinkAnswer: Sendable, Hashable {
    /// `objectDef`: the link.
    public var link: OdagLink
    /// `feedback`: the server's notes on the change, in order.
    public var feedback: [QseowFeedback]

    /// Creates an answer.
    public init(link: OdagLink, feedback: [QseowFeedback] = []) {
        self.link = link
        self.feedback = feedback
    }

    /// Reads `{objectDef, feedback}`; `objectDef` is required.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        guard let objectDef = reader.value("objectDef") else {
            throw ModelError(
                path: JSONPath.appending(key: "objectDef", to: path),
                message: "is required (Qlik wraps a link in {objectDef, feedback})")
        }
        link = try OdagLink(qseowJSON: objectDef, path: JSONPath.appending(key: "objectDef", to: path))
        feedback =
            try reader.array("feedback") { (value, at) throws(ModelError) in
                try QseowFeedback(json: value, path: at)
            } ?? []
    }

    /// Whether the server left the link `incomplete` (required settings are still missing).
    public var isIncomplete: Bool { link.status == "incomplete" }
}

/// One note of Qlik's `feedback`: `infoType` (`INFO`, `WARN`, …) and its text.
public struct QseowFeedback: Sendable, Hashable {
    /// `infoType`, as sent.
    public var infoType: String?
    /// `content`, as sent.
    public var content: String?

    /// Creates a note.
    public init(infoType: String? = nil, content: String? = nil) {
        self.infoType = infoType
        self.content = content
    }

    /// Reads a note.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        infoType = try reader.string("infoType")
        content = try reader.string("content")
    }

    /// Whether the note is a warning (anything but `INFO`).
    public var isWarning: Bool { (infoType ?? "").uppercased() != "INFO" }

    /// `WARN: content`.
    public var description: String { "\(infoType ?? "note"): \(content ?? "")" }
}

/// The body of `POST /links/{linkId}/requests` (`OdagRequestCreate`).
public struct OdagRequestCreate: Sendable, Hashable {
    /// The selection state to generate the app from (an object).
    public var selectionState: JSONValue
    /// Members the API document does not name.
    public var extra: [String: JSONValue]

    /// Creates a request submission.
    public init(selectionState: JSONValue, extra: [String: JSONValue] = [:]) {
        self.selectionState = selectionState
        self.extra = extra
    }

    /// Reads and checks a submission: `selectionState` is a required object.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        guard let state = try reader.object("selectionState") else {
            throw ModelError(path: JSONPath.appending(key: "selectionState", to: path), message: "is required")
        }
        selectionState = state
        extra = reader.extra(excluding: ["selectionState"])
    }

    /// The submission as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("selectionState", selectionState)
        return builder.json
    }
}

/// The body of `PUT /requests/{requestId}` (`OdagRequestUpdate`).
public struct OdagRequestUpdate: Sendable, Hashable {
    /// The new status (for example `cancelled`).
    public var status: String?
    /// Members the API document does not name.
    public var extra: [String: JSONValue]

    /// Creates a request update.
    public init(status: String? = nil, extra: [String: JSONValue] = [:]) {
        self.status = status
        self.extra = extra
    }

    /// Reads a request update from JSON.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        status = try reader.string("status")
        extra = reader.extra(excluding: ["status"])
    }

    /// The update as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("status", status)
        return builder.json
    }
}

/// The body of `POST /requests/{requestId}/renameApp`.
public struct OdagRenameApp: Sendable, Hashable {
    /// The generated app's new name.
    public var name: String

    /// Creates a rename.
    public init(name: String) { self.name = name }

    /// Reads and checks a rename: `name` is required.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        name = try JSONObjectReader(json, path: path).requiredString("name")
    }

    /// The rename as JSON.
    public var json: JSONValue { .object(["name": .string(name)]) }
}

/// `GET /about`'s answer (`OdagAbout`).
public struct OdagAbout: Sendable, Hashable {
    /// The ODAG service version.
    public var version: String?
    /// The API stability level.
    public var stabilityIndex: String?
    /// Members the API document does not name.
    public var extra: [String: JSONValue]

    /// Creates service information.
    public init(version: String? = nil, stabilityIndex: String? = nil, extra: [String: JSONValue] = [:]) {
        self.version = version
        self.stabilityIndex = stabilityIndex
        self.extra = extra
    }

    /// Reads service information from JSON.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        version = try reader.string("version")
        stabilityIndex = try reader.string("stabilityIndex")
        extra = reader.extra(excluding: ["version", "stabilityIndex"])
    }

    /// The information as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("version", version)
        builder.set("stabilityIndex", stabilityIndex)
        return builder.json
    }
}

/// A field binding between a selection app and a template app (`OdagBinding`).
public struct OdagBinding: Sendable, Hashable {
    /// The field in the selection app.
    public var selectionField: String?
    /// The field in the template app.
    public var templateField: String?
    /// The kind of selection binding (for example `selected`).
    public var selectionType: String?
    /// Members the API document does not name, kept as sent.
    public var extra: [String: JSONValue]

    /// Creates a binding.
    public init(
        selectionField: String? = nil, templateField: String? = nil, selectionType: String? = nil,
        extra: [String: JSONValue] = [:]
    ) {
        self.selectionField = selectionField
        self.templateField = templateField
        self.selectionType = selectionType
        self.extra = extra
    }

    static let knownKeys: Set<String> = ["selectionField", "templateField", "selectionType"]

    /// Reads a binding from JSON; `path` names it in errors.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        let reader = try JSONObjectReader(json, path: path)
        selectionField = try reader.string("selectionField")
        templateField = try reader.string("templateField")
        selectionType = try reader.string("selectionType")
        extra = reader.extra(excluding: Self.knownKeys)
    }

    /// The binding as JSON.
    public var json: JSONValue {
        var builder = JSONObjectBuilder(extra: extra)
        builder.set("selectionField", selectionField)
        builder.set("templateField", templateField)
        builder.set("selectionType", selectionType)
        return builder.json
    }
}

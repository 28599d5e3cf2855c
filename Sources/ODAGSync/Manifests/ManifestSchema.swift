import ODAGCore

/// The keys a manifest may use, in one place: the checks, the suggestions for misspelt keys and the test
/// that keeps `schemas/odag-links.schema.json` in step all read these lists.
public enum ManifestSchema {
    /// Keys of a manifest's root object.
    public static let rootKeys = ["$schema", "links"]
    /// Keys a manifest's root object must have.
    public static let requiredRootKeys = ["links"]
    /// Keys of a declared link.
    public static let linkKeys = ["name", "id", "selectionAppId", "templateAppId", "properties", "ignore"]
    /// Keys a declared link must have.
    public static let requiredLinkKeys = ["name", "selectionAppId", "templateAppId"]
    /// Keys of a link's `properties` (the API's `OdagLinkProperties`).
    public static let propertyKeys = ["rowEstExpr", "bindings", "genAppAccessible", "publishTo", "retention"]
    /// Keys of one binding (the API's `OdagBinding`); a declared binding states all of them.
    public static let bindingKeys = ["selectionField", "templateField", "selectionType"]
    /// Keys of `properties.retention`.
    public static let retentionKeys = ["maxAge", "maxCount"]

    /// The field paths an `ignore` list may name: each managed property and the retention members.
    public static let ignorableFields: [String] =
        ["properties"] + propertyKeys.map { "properties." + $0 } + retentionKeys.map { "properties.retention." + $0 }
}

import ODAGCore

/// The keys a `qseow` manifest may use (Qlik's documented link fields), in one place: the checks, the
/// suggestions for misspelt keys and the test that keeps `schemas/odag-links-qseow.schema.json` in step
/// all read these lists. The root object is the document flavour's (``ManifestSchema/rootKeys``).
public enum QseowManifestSchema {
    /// Keys of a declared link.
    public static let linkKeys = [
        "name", "id", "selectionApp", "templateApp", "rowEstExpr", "bindings", "dynamicView", "status", "properties",
        "ignore",
    ]
    /// Keys a declared link must have (`selectionApp` is needed only to create a link).
    public static let requiredLinkKeys = ["name", "templateApp"]
    /// The statuses a manifest may declare; `decommissioned` is reached by pruning and `incomplete` is the
    /// server's verdict, so neither can be declared.
    public static let statuses = ["active", "disabled"]
    /// Keys of one binding (Qlik's `Binding`).
    public static let bindingKeys = [
        "templateAppVarName", "selectAppParamType", "selectAppParamName", "selectionStates", "numericOnly",
        "formatting", "range",
    ]
    /// Keys a declared binding must have: the template variable it binds, its identity among the bindings.
    public static let requiredBindingKeys = ["templateAppVarName"]
    /// Values of a binding's `selectAppParamType`.
    public static let paramTypes = ["Field", "Variable", "Property", "Exclude"]
    /// Keys of a binding's `formatting`.
    public static let formattingKeys = ["delimiter", "quote"]
    /// Keys of a binding's `range`.
    public static let rangeKeys = ["lowerBound", "upperBound"]

    /// The type of one member of a property element.
    public enum FieldType: Sendable, Hashable {
        /// A string.
        case string
        /// A string Qlik fills and ignores when sent (`streamName`, `sheetName`): never compared or sent.
        case readOnlyString
        /// An integer no smaller than the bound.
        case integer(minimum: Int)
        /// A boolean.
        case boolean
        /// An array of strings.
        case strings
        /// An ISO-8601 duration (`P1D`, `PT12H`) or `unlimited`.
        case retentionTime
    }

    /// Each documented property key's element members besides `context` (QSEOW-ODAG-API.md §4).
    public static let propertyFields: [String: [(name: String, type: FieldType)]] = [
        "rowEstRange": [("lowBound", .integer(minimum: 0)), ("highBound", .integer(minimum: 0))],
        "menuLabel": [("label", .string)],
        "engineGroup": [("engineGroupId", .string)],
        "genAppName": [("formatString", .string), ("params", .strings)],
        "genAppLimit": [("limit", .integer(minimum: 1))],
        "overrideGenAppLimit": [("overrideGenAppLimit", .boolean)],
        "limitPolicy": [("limitPolicy", .string)],
        "appRetentionTime": [("retentionTime", .retentionTime)],
        "publishTo": [("streamId", .string), ("streamName", .readOnlyString)],
        "reloadSchedule": [("schedule", .string)],
        "appOpenMethod": [("openMethod", .string)],
        "cacheExpiry": [("cacheLife", .integer(minimum: 0))],
        "ephemeral": [("isEphemeral", .boolean)],
        "disable": [("disable", .boolean)],
        "hide": [("hide", .boolean)],
        "targetSheet": [("sheetId", .string), ("sheetName", .readOnlyString)],
    ]

    /// The documented property keys in a stable order, for messages and the schema test.
    public static let propertyKeys: [String] = propertyFields.keys.sorted()

    /// Members of property elements that Qlik fills and that are never compared or sent.
    public static let readOnlyPropertyFields: Set<String> = ["streamName", "sheetName"]

    /// The field paths an `ignore` list may name.
    public static let ignorableFields: [String] =
        ["templateApp", "rowEstExpr", "bindings", "dynamicView", "status"] + propertyKeys.map { "properties." + $0 }

    /// Link keys only a `qseow` manifest has, in the order a message names the one that told the flavour.
    public static let tellingKeys = ["templateApp", "selectionApp", "rowEstExpr", "bindings", "dynamicView", "status"]
    /// Link keys only a `document` manifest has, in the same order.
    public static let documentTellingKeys = ["templateAppId", "selectionAppId"]

    /// The flavour a declared link's keys show, with the key that shows it; `nil` when they show none or
    /// both (such a link is checked in its manifest's flavour, where the other flavour's keys are unknown).
    public static func shownFlavour(of members: [String: JSONValue]) -> (flavour: APIFlavour, key: String)? {
        let qseow = tellingKeys.first { members[$0] != nil }
        let document = documentTellingKeys.first { members[$0] != nil }
        switch (qseow, document) {
        case (let key?, nil): return (.qseow, key)
        case (nil, let key?): return (.document, key)
        default: return nil
        }
    }
}

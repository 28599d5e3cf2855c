import ODAGCore

/// Checks one parsed manifest against SPEC §2 with one set of variables, and turns its valid links into
/// ``DeclaredLink``s. Checks that span files (duplicate names and ids, scope) are made by
/// ``ManifestLoader`` over the ``names`` and ``ids`` collected here.
struct ManifestChecker {
    /// A name or pinned id and where it was written, for checks across files. The position is looked up
    /// only when a diagnostic needs it.
    struct Occurrence {
        var value: String
        var fileIndex: Int
        var linkPath: String
        var key: String
        var path: String { linkPath + "." + key }
    }

    static let requiredLinkKeys: [(key: String, expected: String)] = ManifestSchema.requiredLinkKeys.map { key in
        (key, key == "name" ? "a non-empty string" : "a UUID")
    }
    static let expectedBinding = "a binding object with \(quotedList(ManifestSchema.bindingKeys))"

    var checker: DocumentChecker
    let resolver: VariableResolver
    private let fileIndex: Int
    private let linkLocations: [SourceLocation?]
    /// The flavour the file's links are checked in.
    let flavour: APIFlavour
    var links: [DeclaredLink] = []
    private(set) var names: [Occurrence] = []
    private(set) var ids: [Occurrence] = []
    private(set) var linkCount = 0
    /// Whether any string used `${…}` or `$${`; when none did, the outcome is the same for every
    /// environment and is reused.
    private(set) var usesVariables = false

    init(
        file: ManifestFile, fileIndex: Int, value: JSONValue, resolver: VariableResolver,
        flavour: APIFlavour = .document
    ) {
        self.checker = DocumentChecker(value: value, positions: file.positions, file: file.file)
        self.resolver = resolver
        self.fileIndex = fileIndex
        self.linkLocations = file.linkLocations
        self.flavour = flavour
    }

    var diagnostics: [Diagnostic] { checker.diagnostics }

    var errorCount: Int { checker.errorCount }

    /// The flavour the links of a parsed manifest show: the first link whose keys show one, with its
    /// index and the key that shows it; `nil` when none does.
    static func shownFlavour(of value: JSONValue) -> (flavour: APIFlavour, path: String)? {
        guard case .array(let elements)? = value["links"] else { return nil }
        for (index, element) in elements.enumerated() {
            guard case .object(let members) = element, let shown = QseowManifestSchema.shownFlavour(of: members)
            else { continue }
            let linkPath = JSONPath.appending(index: index, to: "links")
            return (shown.flavour, JSONPath.appending(key: shown.key, to: linkPath))
        }
        return nil
    }

    mutating func run() {
        let expectedRoot = "an object with a \"links\" array"
        guard let members = checker.object(checker.value, at: "", expected: expectedRoot) else { return }
        checker.checkKeys(members, at: "", known: ManifestSchema.rootKeys, what: "a manifest")
        if let schema = members["$schema"] {
            _ = checker.string(schema, at: "$schema", expected: "a string (the path or URL of the schema)")
        }
        guard let linksValue = members["links"] else {
            checker.error("", "missing required key \"links\"; expected an array of links")
            return
        }
        guard let elements = checker.array(linksValue, at: "links", expected: "an array of links") else { return }
        if elements.isEmpty { checker.warning("links", "the manifest declares no links") }
        linkCount = elements.count
        for (index, element) in elements.enumerated() {
            let location = index < linkLocations.count ? linkLocations[index] : nil
            checkLink(element, at: JSONPath.appending(index: index, to: "links"), location: location)
        }
    }

    // MARK: - Links

    // Objects are walked member by member with a switch rather than looked up key by key: one pass
    // finds the known members and the unknown ones, and hashes no key (10,000 links are checked once
    // per environment).

    private mutating func checkLink(_ value: JSONValue, at path: String, location: SourceLocation?) {
        guard let members = checker.object(value, at: path, expected: "a link object") else { return }
        if let shown = QseowManifestSchema.shownFlavour(of: members), shown.flavour != flavour {
            checker.keyError(
                JSONPath.appending(key: shown.key, to: path),
                "this link is written in the \(shown.flavour.rawValue) flavour (it has \(quoted(shown.key))), but "
                    + "this manifest is in the \(flavour.rawValue) flavour; a manifest's links are all in one flavour")
            return
        }
        switch flavour {
        case .document: checkDocumentLink(members, at: path, location: location)
        case .qseow: checkQseowLink(members, at: path, location: location)
        }
    }

    private mutating func checkDocumentLink(_ members: [String: JSONValue], at path: String, location: SourceLocation?)
    {
        let errorsBefore = errorCount
        var nameValue: JSONValue?
        var idValue: JSONValue?
        var selectionValue: JSONValue?
        var templateValue: JSONValue?
        var propertiesValue: JSONValue?
        var ignoreValue: JSONValue?
        for (key, member) in members {
            switch key {
            case "name": nameValue = member
            case "id": idValue = member
            case "selectionAppId": selectionValue = member
            case "templateAppId": templateValue = member
            case "properties": propertiesValue = member
            case "ignore": ignoreValue = member
            default: checker.unknownKey(key, in: path, known: ManifestSchema.linkKeys, what: "a link")
            }
        }
        for (key, expected) in Self.requiredLinkKeys where members[key] == nil {
            checker.error(path, "missing required key \(quoted(key)); expected \(expected)")
        }

        let (name, id) = checkNameAndId(nameValue, idValue, at: path)
        let selectionAppId = selectionValue.flatMap { uuid($0, at: path + ".selectionAppId") }
        let templateAppId = templateValue.flatMap { uuid($0, at: path + ".templateAppId") }
        let properties = propertiesValue.flatMap { checkProperties($0, at: path + ".properties") }
        let ignore =
            ignoreValue.map { ignoreValue in
                checkIgnore(ignoreValue, at: path + ".ignore", known: ManifestSchema.ignorableFields) { field in
                    properties.flatMap { Self.value(at: field, in: $0) } != nil
                }
            } ?? []

        guard errorCount == errorsBefore, let name, let selectionAppId, let templateAppId else { return }
        // A fixed location, not one looked up in `positions` when asked for: that would keep the file's bytes
        // (and, once asked, its positions) alive as long as the link.
        let source = ManifestSource(file: checker.file, location: location, path: path)
        links.append(
            DeclaredLink(
                name: name, id: id, selectionAppId: selectionAppId, templateAppId: templateAppId,
                properties: properties, ignore: ignore, source: source))
    }

    /// Checks the `name` and `id` every link has, and records them for the checks across files.
    mutating func checkNameAndId(_ nameValue: JSONValue?, _ idValue: JSONValue?, at path: String) -> (
        name: String?, id: String?
    ) {
        var name: String?
        if let nameValue, let text = resolvedString(nameValue, at: path + ".name") {
            if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                checker.error(path + ".name", "\(quote(text)) is not a usable name; expected a non-empty string")
            } else {
                name = text
                names.append(Occurrence(value: text, fileIndex: fileIndex, linkPath: path, key: "name"))
            }
        }
        var id: String?
        if let idValue {
            id = uuid(idValue, at: path + ".id")
            if let id { ids.append(Occurrence(value: id, fileIndex: fileIndex, linkPath: path, key: "id")) }
        }
        return (name, id)
    }

    // MARK: - Properties

    // The declared subset is built by changing only what substitution changed, so that a manifest
    // without variables shares the parsed values instead of copying them: the checks of nested values
    // return a replacement only when there is a change, because storing even an equal value into the
    // shared object would copy it (for 10,000 links, 4 MB of objects). A link with any error is
    // dropped, so members that are reported (unknown keys, wrong types) never reach a declared link.

    private mutating func checkProperties(_ value: JSONValue, at path: @autoclosure () -> String) -> JSONValue? {
        guard let members = checker.object(value, at: path(), expected: "an object of link properties") else {
            return nil
        }
        var result = members
        for (key, member) in members {
            switch key {
            case "rowEstExpr", "publishTo":
                if let resolution = resolvedStringWithOrigin(member, at: path() + "." + key, expected: "a string"),
                    resolution.substituted
                {
                    result[key] = .string(resolution.value)
                }
            case "genAppAccessible":
                _ = checker.bool(member, at: path() + ".genAppAccessible")
            case "retention":
                if let retention = checkRetention(member, at: path() + ".retention") { result[key] = retention }
            case "bindings":
                if let bindings = checkBindings(member, at: path() + ".bindings") { result[key] = bindings }
            default:
                checker.unknownKey(key, in: path(), known: ManifestSchema.propertyKeys, what: "link properties")
            }
        }
        return .object(result)
    }

    /// Checks a retention; returns what to declare instead of `value` when that differs.
    private mutating func checkRetention(_ value: JSONValue, at path: @autoclosure () -> String) -> JSONValue? {
        let expected = "an object with \"maxAge\" and \"maxCount\""
        guard let members = checker.object(value, at: path(), expected: expected) else { return nil }
        var result = members
        var changed = false
        for (key, member) in members {
            switch key {
            case "maxAge", "maxCount":
                // `1440.0` is the integer 1440: keep it as one.
                if let number = checker.nonNegativeInt(member, at: path() + "." + key), case .double = member {
                    result[key] = .int(number)
                    changed = true
                }
            default:
                checker.unknownKey(key, in: path(), known: ManifestSchema.retentionKeys, what: "retention")
            }
        }
        return changed ? .object(result) : nil
    }

    /// A binding's identity for the duplicate check: its two fields.
    private struct BindingFields: Hashable {
        var selection: String
        var template: String
    }

    /// Checks the bindings; returns what to declare instead of `value` when that differs.
    private mutating func checkBindings(_ value: JSONValue, at path: @autoclosure () -> String) -> JSONValue? {
        guard let elements = checker.array(value, at: path(), expected: "an array of bindings") else { return nil }
        var result = elements
        var anyChanged = false
        var seen: [BindingFields: Int] = Dictionary(minimumCapacity: elements.count)
        for (index, element) in elements.enumerated() {
            func bindingPath() -> String { JSONPath.appending(index: index, to: path()) }
            guard let members = checker.object(element, at: bindingPath(), expected: Self.expectedBinding) else {
                continue
            }
            var binding = members
            var changed = false
            var selectionField: String?
            var templateField: String?
            var hasSelectionType = false
            for (key, member) in members {
                switch key {
                case "selectionField", "templateField", "selectionType":
                    if key == "selectionType" { hasSelectionType = true }
                    guard
                        let resolution = resolvedStringWithOrigin(
                            member, at: bindingPath() + "." + key, expected: "a string")
                    else {
                        // Present but unusable: reported; not missing.
                        if key == "selectionField" { selectionField = "" }
                        if key == "templateField" { templateField = "" }
                        continue
                    }
                    if resolution.value.isEmpty {
                        checker.error(bindingPath() + "." + key, "the field name is empty; expected a non-empty string")
                    }
                    if resolution.substituted {
                        binding[key] = .string(resolution.value)
                        changed = true
                    }
                    if key == "selectionField" { selectionField = resolution.value }
                    if key == "templateField" { templateField = resolution.value }
                default:
                    checker.unknownKey(key, in: bindingPath(), known: ManifestSchema.bindingKeys, what: "a binding")
                }
            }
            if selectionField == nil {
                checker.error(bindingPath(), "missing required key \"selectionField\"; expected a string")
            }
            if templateField == nil {
                checker.error(bindingPath(), "missing required key \"templateField\"; expected a string")
            }
            if !hasSelectionType {
                checker.error(bindingPath(), "missing required key \"selectionType\"; expected a string")
            }
            if changed {
                result[index] = .object(binding)
                anyChanged = true
            }
            guard let selection = selectionField, let template = templateField, !selection.isEmpty, !template.isEmpty
            else { continue }
            let identity = BindingFields(selection: selection, template: template)
            if let first = seen[identity] {
                checker.error(
                    bindingPath(),
                    "duplicate binding of \(quote(selection)) to \(quote(template)); "
                        + "the same fields are already bound at \(JSONPath.appending(index: first, to: path()))")
            } else {
                seen[identity] = index
            }
        }
        return anyChanged ? .array(result) : nil
    }

    // MARK: - Ignore

    /// Checks an `ignore` list against the `known` field paths; `isDeclared` tells whether the link
    /// also declares a field (a warning: the declared value is then not managed).
    mutating func checkIgnore(
        _ value: JSONValue, at path: @autoclosure () -> String, known: [String], isDeclared: (String) -> Bool
    ) -> [String] {
        guard let elements = checker.array(value, at: path(), expected: "an array of field paths") else { return [] }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            func elementPath() -> String { JSONPath.appending(index: index, to: path()) }
            guard let field = resolvedString(element, at: elementPath(), expected: "a field path string") else {
                continue
            }
            guard known.contains(field) else {
                var message = "\(quote(field)) names no known field"
                if let hint = KeySuggester.hint(for: field, among: known) {
                    message += "; \(hint)"
                } else {
                    message += "; expected one of \(quotedList(known))"
                }
                checker.error(elementPath(), message)
                continue
            }
            if result.contains(field) {
                checker.warning(elementPath(), "\(quote(field)) is listed twice")
                continue
            }
            if isDeclared(field) {
                checker.warning(
                    elementPath(), "\(quote(field)) is both declared and ignored; the declared value is not managed")
            }
            result.append(field)
        }
        return result
    }

    /// Each ignorable field path split into member names below `properties`, split once.
    private static let ignorableMembers: [String: [String]] = Dictionary(
        uniqueKeysWithValues: ManifestSchema.ignorableFields.map { field in
            (field, field.split(separator: ".").dropFirst().map(String.init))
        })

    /// The member at a field path such as `properties.retention.maxAge`, looked up in the properties.
    private static func value(at field: String, in properties: JSONValue) -> JSONValue? {
        var current: JSONValue? = properties
        for member in ignorableMembers[field] ?? [] { current = current?[member] }
        return current
    }

    // MARK: - Values

    /// A string with its variables expanded, or `nil` after reporting why it cannot be used.
    mutating func resolvedString(
        _ value: JSONValue, at path: @autoclosure () -> String, expected: String = "a string"
    ) -> String? {
        resolvedStringWithOrigin(value, at: path(), expected: expected)?.value
    }

    mutating func resolvedStringWithOrigin(
        _ value: JSONValue, at path: @autoclosure () -> String, expected: String
    ) -> VariableResolver.Resolution? {
        guard let raw = checker.string(value, at: path(), expected: expected) else { return nil }
        let resolution = resolver.resolve(raw)
        if resolution.substituted { usesVariables = true }
        for problem in resolution.problems { checker.error(path(), problem) }
        return resolution.problems.isEmpty ? resolution : nil
    }

    /// A UUID (after expansion), or `nil` after reporting why it is not one.
    mutating func uuid(_ value: JSONValue, at path: @autoclosure () -> String) -> String? {
        guard let resolution = resolvedStringWithOrigin(value, at: path(), expected: "a UUID string") else {
            return nil
        }
        guard ODAGUUID.isValid(resolution.value) else {
            var message = "\(quote(resolution.value)) is not a UUID"
            if resolution.substituted, case .string(let raw) = value {
                message += " (expanded from \(quote(raw))"
                if let environment = resolver.environment { message += " in environment \(quoted(environment))" }
                message += ")"
            }
            checker.error(path(), message)
            return nil
        }
        return resolution.value
    }

    /// A value from the input quoted and shortened.
    func quote(_ text: String) -> String {
        quoted(text, limit: 60)
    }
}

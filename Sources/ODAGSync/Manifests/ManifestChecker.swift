import ODAGCore

/// Checks one parsed manifest against SPEC §2 with one set of variables, and turns its valid links into
/// ``DeclaredLink``s. Checks that span files (duplicate names and ids, scope) are made by
/// ``ManifestLoader`` over the ``names`` and ``ids`` collected here.
struct ManifestChecker {
    /// A name or pinned id and where it was written, for checks across files.
    struct Occurrence {
        var value: String
        var file: String
        var location: SourceLocation?
        var path: String
    }

    private var checker: DocumentChecker
    private let resolver: VariableResolver
    private(set) var links: [DeclaredLink] = []
    private(set) var names: [Occurrence] = []
    private(set) var ids: [Occurrence] = []
    private(set) var linkCount = 0

    init(file: ManifestFile, document: JSONDocument, resolver: VariableResolver) {
        self.checker = DocumentChecker(document: document, file: file.file)
        self.resolver = resolver
    }

    var diagnostics: [Diagnostic] { checker.diagnostics }

    private var errorCount: Int { checker.errorCount }

    mutating func run() {
        let expectedRoot = "an object with a \"links\" array"
        guard let members = checker.object(checker.document.value, at: "", expected: expectedRoot) else { return }
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
            checkLink(element, at: JSONPath.appending(index: index, to: "links"))
        }
    }

    // MARK: - Links

    private mutating func checkLink(_ value: JSONValue, at path: String) {
        guard let members = checker.object(value, at: path, expected: "a link object") else { return }
        let errorsBefore = errorCount
        checker.checkKeys(members, at: path, known: ManifestSchema.linkKeys, what: "a link")
        checker.checkRequired(
            members, at: path,
            required: [("name", "a non-empty string"), ("selectionAppId", "a UUID"), ("templateAppId", "a UUID")])

        var name: String?
        if let value = members["name"] {
            let namePath = path + ".name"
            if let text = resolvedString(value, at: namePath) {
                if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                    checker.error(namePath, "\(quote(text)) is not a usable name; expected a non-empty string")
                } else {
                    name = text
                    names.append(occurrence(text, at: namePath))
                }
            }
        }
        var id: String?
        if let value = members["id"] {
            id = uuid(value, at: path + ".id")
            if let id { ids.append(occurrence(id, at: path + ".id")) }
        }
        let selectionAppId = members["selectionAppId"].flatMap { uuid($0, at: path + ".selectionAppId") }
        let templateAppId = members["templateAppId"].flatMap { uuid($0, at: path + ".templateAppId") }
        let properties = members["properties"].flatMap { checkProperties($0, at: path + ".properties") }
        let ignore = members["ignore"].map { checkIgnore($0, at: path + ".ignore", declared: properties) } ?? []

        guard errorCount == errorsBefore, let name, let selectionAppId, let templateAppId else { return }
        let source = ManifestSource(file: checker.file, location: checker.document.location(of: path), path: path)
        links.append(
            DeclaredLink(
                name: name, id: id, selectionAppId: selectionAppId, templateAppId: templateAppId, properties: properties,
                ignore: ignore, source: source))
    }

    // MARK: - Properties

    private mutating func checkProperties(_ value: JSONValue, at path: String) -> JSONValue? {
        guard let members = checker.object(value, at: path, expected: "an object of link properties") else {
            return nil
        }
        checker.checkKeys(members, at: path, known: ManifestSchema.propertyKeys, what: "link properties")
        var result: [String: JSONValue] = [:]
        if let value = members["rowEstExpr"], let text = resolvedString(value, at: path + ".rowEstExpr") {
            result["rowEstExpr"] = .string(text)
        }
        if let value = members["genAppAccessible"], let flag = checker.bool(value, at: path + ".genAppAccessible") {
            result["genAppAccessible"] = .bool(flag)
        }
        if let value = members["publishTo"], let text = resolvedString(value, at: path + ".publishTo") {
            result["publishTo"] = .string(text)
        }
        if let value = members["retention"], let retention = checkRetention(value, at: path + ".retention") {
            result["retention"] = retention
        }
        if let value = members["bindings"], let bindings = checkBindings(value, at: path + ".bindings") {
            result["bindings"] = bindings
        }
        return .object(result)
    }

    private mutating func checkRetention(_ value: JSONValue, at path: String) -> JSONValue? {
        let expected = "an object with \"maxAge\" and \"maxCount\""
        guard let members = checker.object(value, at: path, expected: expected) else { return nil }
        checker.checkKeys(members, at: path, known: ManifestSchema.retentionKeys, what: "retention")
        var result: [String: JSONValue] = [:]
        for key in ManifestSchema.retentionKeys {
            if let member = members[key], let number = checker.nonNegativeInt(member, at: path + "." + key) {
                result[key] = .int(number)
            }
        }
        return .object(result)
    }

    private mutating func checkBindings(_ value: JSONValue, at path: String) -> JSONValue? {
        guard let elements = checker.array(value, at: path, expected: "an array of bindings") else { return nil }
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        var seen: [FieldPair: Int] = [:]
        let required = ManifestSchema.bindingKeys.map { (key: $0, expected: "a string") }
        for (index, element) in elements.enumerated() {
            let bindingPath = JSONPath.appending(index: index, to: path)
            guard let members = checker.object(element, at: bindingPath, expected: Self.bindingExpected) else {
                continue
            }
            checker.checkKeys(members, at: bindingPath, known: ManifestSchema.bindingKeys, what: "a binding")
            checker.checkRequired(members, at: bindingPath, required: required)
            var binding: [String: JSONValue] = [:]
            binding.reserveCapacity(ManifestSchema.bindingKeys.count)
            for key in ManifestSchema.bindingKeys {
                // The path is built only for a message.
                guard let member = members[key], let text = resolvedString(member, at: bindingPath + "." + key) else {
                    continue
                }
                if text.isEmpty {
                    checker.error(bindingPath + "." + key, "the field name is empty; expected a non-empty string")
                    continue
                }
                binding[key] = .string(text)
            }
            if case .string(let selection)? = binding["selectionField"],
                case .string(let template)? = binding["templateField"]
            {
                let identity = FieldPair(selection: selection, template: template)
                if let first = seen[identity] {
                    checker.error(
                        bindingPath,
                        "duplicate binding of \(quote(selection)) to \(quote(template)); "
                            + "the same fields are already bound at \(JSONPath.appending(index: first, to: path))")
                } else {
                    seen[identity] = index
                }
            }
            result.append(.object(binding))
        }
        return .array(result)
    }

    /// What a binding must be, for messages (built once: it was a tenth of the cost of reading manifests).
    private static let bindingExpected = "a binding object with \(quotedList(ManifestSchema.bindingKeys))"

    /// A selection field bound to a template field, to find duplicate bindings.
    private struct FieldPair: Hashable {
        var selection: String
        var template: String
    }

    // MARK: - Ignore

    private mutating func checkIgnore(_ value: JSONValue, at path: String, declared: JSONValue?) -> [String] {
        guard let elements = checker.array(value, at: path, expected: "an array of field paths") else { return [] }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            let elementPath = JSONPath.appending(index: index, to: path)
            guard let field = resolvedString(element, at: elementPath, expected: "a field path string") else {
                continue
            }
            guard ManifestSchema.ignorableFields.contains(field) else {
                var message = "\(quote(field)) names no known field"
                if let hint = KeySuggester.hint(for: field, among: ManifestSchema.ignorableFields) {
                    message += "; \(hint)"
                } else {
                    message += "; expected one of \(quotedList(ManifestSchema.ignorableFields))"
                }
                checker.error(elementPath, message)
                continue
            }
            if result.contains(field) {
                checker.warning(elementPath, "\(quote(field)) is listed twice")
                continue
            }
            if let declared, Self.value(at: field, in: declared) != nil {
                checker.warning(
                    elementPath, "\(quote(field)) is both declared and ignored; the declared value is not managed")
            }
            result.append(field)
        }
        return result
    }

    /// The member at a field path such as `properties.retention.maxAge`, looked up in the properties.
    private static func value(at field: String, in properties: JSONValue) -> JSONValue? {
        var current: JSONValue? = properties
        for part in field.split(separator: ".").dropFirst() { current = current?[String(part)] }
        return current
    }

    // MARK: - Values

    /// A string with its variables expanded, or `nil` after reporting why it cannot be used.
    private mutating func resolvedString(_ value: JSONValue, at path: String, expected: String = "a string") -> String?
    {
        resolvedStringWithOrigin(value, at: path, expected: expected)?.value
    }

    private mutating func resolvedStringWithOrigin(
        _ value: JSONValue, at path: String, expected: String
    ) -> VariableResolver.Resolution? {
        guard let raw = checker.string(value, at: path, expected: expected) else { return nil }
        let resolution = resolver.resolve(raw)
        for problem in resolution.problems { checker.error(path, problem) }
        return resolution.problems.isEmpty ? resolution : nil
    }

    /// A UUID (after expansion), or `nil` after reporting why it is not one.
    private mutating func uuid(_ value: JSONValue, at path: String) -> String? {
        guard let resolution = resolvedStringWithOrigin(value, at: path, expected: "a UUID string") else { return nil }
        guard ODAGUUID.isValid(resolution.value) else {
            var message = "\(quote(resolution.value)) is not a UUID"
            if resolution.substituted, case .string(let raw) = value {
                message += " (expanded from \(quote(raw))"
                if let environment = resolver.environment { message += " in environment \(quoted(environment))" }
                message += ")"
            }
            checker.error(path, message)
            return nil
        }
        return resolution.value
    }

    private func occurrence(_ value: String, at path: String) -> Occurrence {
        Occurrence(value: value, file: checker.file, location: checker.document.location(of: path), path: path)
    }

    /// A value from the input quoted as compact JSON and shortened.
    private func quote(_ text: String) -> String {
        JSONValue.string(text).snippet()
    }
}

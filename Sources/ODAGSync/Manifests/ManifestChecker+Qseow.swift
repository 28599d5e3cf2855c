import ODAGCore

/// The checks of a `qseow` manifest's links: Qlik's documented link fields (QSEOW-ODAG-API.md §4).
///
/// Unlike the document flavour's, the declared values are rebuilt with their variables expanded: qseow
/// projects are small beside the 10,000-link budget the document flavour's sharing is tuned for.
extension ManifestChecker {
    static let qseowRequired: [String: String] = [
        "name": "a non-empty string", "templateApp": "a UUID (the template app's id)",
    ]

    mutating func checkQseowLink(_ members: [String: JSONValue], at path: String, location: SourceLocation?) {
        let errorsBefore = errorCount
        for (key, expected) in Self.qseowRequired.sorted(by: { $0.key < $1.key }) where members[key] == nil {
            checker.error(path, "missing required key \(quoted(key)); expected \(expected)")
        }
        var fields = QseowDeclaredFields()
        var selectionApp: String?
        var templateApp: String?
        for (key, member) in members {
            let memberPath = path + "." + key
            switch key {
            case "name", "id", "ignore": continue
            case "selectionApp": selectionApp = uuid(member, at: memberPath)
            case "templateApp": templateApp = uuid(member, at: memberPath)
            case "rowEstExpr": fields.rowEstExpr = resolvedString(member, at: memberPath, expected: "a string")
            case "dynamicView": fields.dynamicView = checker.bool(member, at: memberPath)
            case "status": fields.status = checkStatus(member, at: memberPath)
            case "bindings": fields.bindings = checkQseowBindings(member, at: memberPath)
            case "properties": fields.properties = checkQseowProperties(member, at: memberPath)
            default: checker.unknownKey(key, in: path, known: QseowManifestSchema.linkKeys, what: "a link")
            }
        }
        let (name, id) = checkNameAndId(members["name"], members["id"], at: path)
        let ignore =
            members["ignore"].map { value in
                checkIgnore(value, at: path + ".ignore", known: QseowManifestSchema.ignorableFields) { field in
                    Self.declares(fields, field)
                }
            } ?? []
        guard errorCount == errorsBefore, let name, let templateApp else { return }
        let source = ManifestSource(file: checker.file, location: location, path: path)
        links.append(
            DeclaredLink(
                name: name, id: id, selectionAppId: selectionApp, templateAppId: templateApp, ignore: ignore,
                source: source, qseow: fields))
    }

    /// Whether `fields` declare the ignorable field path `field`. `templateApp` is required, so stating
    /// it is no choice and ignoring it is not a contradiction.
    static func declares(_ fields: QseowDeclaredFields, _ field: String) -> Bool {
        switch field {
        case "rowEstExpr": return fields.rowEstExpr != nil
        case "bindings": return fields.bindings != nil
        case "dynamicView": return fields.dynamicView != nil
        case "status": return fields.status != nil
        default:
            guard field.hasPrefix("properties.") else { return false }
            return fields.properties?[String(field.dropFirst("properties.".count))] != nil
        }
    }

    private mutating func checkStatus(_ value: JSONValue, at path: String) -> String? {
        let expected = "\"active\" or \"disabled\""
        guard let status = resolvedString(value, at: path, expected: expected) else { return nil }
        if QseowManifestSchema.statuses.contains(status) { return status }
        var message: String
        switch status {
        case "decommissioned":
            message = "\"decommissioned\" cannot be declared (pruning retires links); expected \(expected)"
        case "incomplete":
            message = "\"incomplete\" is the server's verdict on a link, not a setting; expected \(expected)"
        default:
            message = "unknown status \(quote(status)); expected \(expected)"
            if let hint = KeySuggester.hint(for: status, among: QseowManifestSchema.statuses) { message += "; \(hint)" }
        }
        checker.error(path, message)
        return nil
    }

    // MARK: - Bindings

    private mutating func checkQseowBindings(_ value: JSONValue, at path: String) -> [JSONValue]? {
        guard let elements = checker.array(value, at: path, expected: "an array of bindings") else { return nil }
        var result: [JSONValue] = []
        var seen: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let bindingPath = JSONPath.appending(index: index, to: path)
            let expected = "a binding object with \"templateAppVarName\""
            guard let members = checker.object(element, at: bindingPath, expected: expected) else { continue }
            var binding: [String: JSONValue] = [:]
            for (key, member) in members {
                let memberPath = bindingPath + "." + key
                switch key {
                case "templateAppVarName", "selectAppParamName":
                    guard let text = resolvedString(member, at: memberPath) else { continue }
                    // An `Exclude` binding may name nothing in the selection app.
                    if text.isEmpty, key == "templateAppVarName" {
                        checker.error(memberPath, "the name is empty; expected a non-empty string")
                    }
                    binding[key] = .string(text)
                case "selectAppParamType":
                    if let type = checkChoice(member, at: memberPath, among: QseowManifestSchema.paramTypes) {
                        binding[key] = .string(type)
                    }
                case "selectionStates":
                    if let states = checkSelectionStates(member, at: memberPath) { binding[key] = .string(states) }
                case "numericOnly":
                    if let flag = checker.bool(member, at: memberPath) { binding[key] = .bool(flag) }
                case "formatting":
                    if let formatting = checkFormatting(member, at: memberPath) { binding[key] = formatting }
                case "range":
                    if let range = checkRange(member, at: memberPath) { binding[key] = range }
                default:
                    checker.unknownKey(key, in: bindingPath, known: QseowManifestSchema.bindingKeys, what: "a binding")
                }
            }
            guard members["templateAppVarName"] != nil else {
                checker.error(bindingPath, "missing required key \"templateAppVarName\"; expected a string")
                continue
            }
            if case .string(let variable)? = binding["templateAppVarName"], !variable.isEmpty {
                checkUnique(variable, index: index, seen: &seen, in: path, reportAt: bindingPath) { first in
                    "duplicate binding of template variable \(quoted(variable, limit: 60)); it is already bound at \(first)"
                }
            }
            result.append(.object(binding))
        }
        return result
    }

    /// Records `value` as seen at element `index` of the array at `path`, or, when an earlier element has
    /// it, reports at `reportAt` the message made from that element's path.
    private mutating func checkUnique(
        _ value: String, index: Int, seen: inout [String: Int], in path: String, reportAt: String,
        _ message: (String) -> String
    ) {
        if let first = seen[value] {
            checker.error(reportAt, message(JSONPath.appending(index: first, to: path)))
        } else {
            seen[value] = index
        }
    }

    /// A string that must be one of `choices` (after expansion), or `nil` after reporting it.
    private mutating func checkChoice(_ value: JSONValue, at path: String, among choices: [String]) -> String? {
        let expected = "one of \(quotedList(choices))"
        guard let text = resolvedString(value, at: path, expected: expected) else { return nil }
        guard choices.contains(text) else {
            var message = "unknown value \(quote(text)); expected \(expected)"
            if let hint = KeySuggester.hint(for: text, among: choices) { message += "; \(hint)" }
            checker.error(path, message)
            return nil
        }
        return text
    }

    private mutating func checkSelectionStates(_ value: JSONValue, at path: String) -> String? {
        let expected = "the letters \"S\" and \"O\", such as \"SO\""
        guard let text = resolvedString(value, at: path, expected: expected) else { return nil }
        guard !text.isEmpty, text.allSatisfy({ $0 == "S" || $0 == "O" }) else {
            checker.error(path, "\(quote(text)) is not a selection state list; expected \(expected)")
            return nil
        }
        return text
    }

    /// A binding's `formatting` or `range`: an object of the `keys` members, each checked by `member`.
    private mutating func checkMembers(
        _ value: JSONValue, at path: String, keys: [String], what: String,
        member: (inout Self, JSONValue, String) -> JSONValue?
    ) -> JSONValue? {
        let expected = "an object with \(keys.map { quoted($0) }.joined(separator: " and "))"
        guard let members = checker.object(value, at: path, expected: expected) else { return nil }
        var result: [String: JSONValue] = [:]
        for (key, value) in members {
            if keys.contains(key) {
                result[key] = member(&self, value, path + "." + key)
            } else {
                checker.unknownKey(key, in: path, known: keys, what: what)
            }
        }
        return .object(result)
    }

    private mutating func checkFormatting(_ value: JSONValue, at path: String) -> JSONValue? {
        checkMembers(value, at: path, keys: QseowManifestSchema.formattingKeys, what: "formatting") {
            $0.resolvedString($1, at: $2).map(JSONValue.string)
        }
    }

    private mutating func checkRange(_ value: JSONValue, at path: String) -> JSONValue? {
        checkMembers(value, at: path, keys: QseowManifestSchema.rangeKeys, what: "a range") {
            $0.integer($1, at: $2, minimum: 0).map(JSONValue.int)
        }
    }

    /// An integer of at least `minimum` (`5.0` is the integer 5), or `nil` after reporting it.
    private mutating func integer(_ value: JSONValue, at path: String, minimum: Int) -> Int? {
        let expected = minimum == 0 ? "a non-negative integer" : "an integer of at least \(minimum)"
        guard let number = value.intValue else {
            checker.error(path, "expected \(expected), found \(DocumentChecker.describe(value))")
            return nil
        }
        guard number >= minimum else {
            checker.error(path, "\(number) is too small; expected \(expected)")
            return nil
        }
        return number
    }

    // MARK: - Properties

    private mutating func checkQseowProperties(_ value: JSONValue, at path: String) -> [String: JSONValue]? {
        let expected = "an object of per-context property arrays"
        guard let members = checker.object(value, at: path, expected: expected) else { return nil }
        var result: [String: JSONValue] = [:]
        for (key, member) in members {
            let keyPath = JSONPath.appending(key: key, to: path)
            guard let fields = QseowManifestSchema.propertyFields[key] else {
                // Qlik adds property keys between releases: pass them through rather than refuse them.
                var message =
                    "property key \(quote(key)) is not one Qlik documents; it is passed through as written, unchecked"
                if let hint = KeySuggester.hint(for: key, among: QseowManifestSchema.propertyKeys) {
                    message += "; \(hint)"
                }
                checker.keyWarning(keyPath, message)
                result[key] = member
                continue
            }
            if let elements = checkPropertyElements(member, at: keyPath, key: key, fields: fields) {
                result[key] = .array(elements)
            }
        }
        return result
    }

    private mutating func checkPropertyElements(
        _ value: JSONValue, at path: String, key: String, fields: [(name: String, type: QseowManifestSchema.FieldType)]
    ) -> [JSONValue]? {
        let names = fields.map(\.name)
        let example = "{\"context\": \"User_*\", \(names.map { quoted($0) + ": …" }.joined(separator: ", "))}"
        guard let elements = checker.array(value, at: path, expected: "an array of per-context values \(example)")
        else { return nil }
        var result: [JSONValue] = []
        var contexts: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let elementPath = JSONPath.appending(index: index, to: path)
            guard let members = checker.object(element, at: elementPath, expected: "a per-context value \(example)")
            else { continue }
            var declared: [String: JSONValue] = [:]
            for (member, memberValue) in members {
                let memberPath = elementPath + "." + member
                if member == "context" {
                    guard let context = resolvedString(memberValue, at: memberPath, expected: "a context string")
                    else { continue }
                    if context.isEmpty {
                        checker.error(memberPath, "the context is empty; expected a rule such as \"User_*\"")
                    } else {
                        checkUnique(context, index: index, seen: &contexts, in: path, reportAt: memberPath) { first in
                            "duplicate context \(quoted(context, limit: 60)); \(key) already has it at \(first)"
                        }
                    }
                    declared[member] = .string(context)
                    continue
                }
                guard let type = fields.first(where: { $0.name == member })?.type else {
                    checker.unknownKey(member, in: elementPath, known: ["context"] + names, what: "a \(key) value")
                    continue
                }
                if let checked = checkField(memberValue, named: member, at: memberPath, type: type) {
                    declared[member] = checked
                }
            }
            if members["context"] == nil {
                checker.error(elementPath, "missing required key \"context\"; expected a rule such as \"User_*\"")
            }
            result.append(.object(declared))
        }
        return result
    }

    /// A property element's member checked against its type; `nil` when it is wrong (reported) or read-only.
    private mutating func checkField(
        _ value: JSONValue, named name: String, at path: String, type: QseowManifestSchema.FieldType
    ) -> JSONValue? {
        switch type {
        case .string:
            return resolvedString(value, at: path).map(JSONValue.string)
        case .readOnlyString:
            if resolvedString(value, at: path) != nil {
                checker.warning(
                    path,
                    "\(quoted(name)) is read-only (Qlik fills it in); it is never compared or sent, so leave it out")
            }
            return nil
        case .integer(let minimum):
            return integer(value, at: path, minimum: minimum).map(JSONValue.int)
        case .boolean:
            return checker.bool(value, at: path).map(JSONValue.bool)
        case .strings:
            guard let elements = checker.array(value, at: path, expected: "an array of strings") else { return nil }
            var strings: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                guard let text = resolvedString(element, at: JSONPath.appending(index: index, to: path)) else {
                    return nil
                }
                strings.append(.string(text))
            }
            return .array(strings)
        case .retentionTime:
            let expected = "an ISO-8601 duration such as \"P1D\" or \"PT12H\", or \"unlimited\""
            guard let text = resolvedString(value, at: path, expected: expected) else { return nil }
            guard text == "unlimited" || Self.isDuration(text) else {
                checker.error(path, "\(quote(text)) is not a retention time; expected \(expected)")
                return nil
            }
            return .string(text)
        }
    }

    /// Whether `text` is an ISO-8601 duration: `P`, date parts in the order `Y M W D`, then optionally
    /// `T` and time parts in the order `H M S` (seconds may have a fraction); at least one part.
    static func isDuration(_ text: String) -> Bool {
        guard text.hasPrefix("P") else { return false }
        let body = text.dropFirst()
        let halves = body.split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        guard let datePart = halves.first else { return false }
        let timePart = halves.count == 2 ? halves[1] : nil
        if let timePart, timePart.isEmpty { return false }
        guard let dateCount = parts(datePart, units: "YMWD", fraction: nil),
            let timeCount = timePart.map({ parts($0, units: "HMS", fraction: "S") }) ?? 0
        else { return false }
        return dateCount + timeCount > 0
    }

    /// How many `<digits><unit>` parts `text` is made of, with units in the order of `units`; `nil`
    /// when it is not made of such parts. Only the unit `fraction` may have a decimal fraction.
    private static func parts(_ text: Substring, units: String, fraction: Character?) -> Int? {
        var count = 0
        var remainingUnits = Substring(units)
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber || (character == "." && !digits.isEmpty && !digits.contains(".")) {
                digits.append(character)
                continue
            }
            guard !digits.isEmpty, digits.last != ".", let position = remainingUnits.firstIndex(of: character) else {
                return nil
            }
            if digits.contains("."), character != fraction { return nil }
            remainingUnits = remainingUnits[remainingUnits.index(after: position)...]
            digits = ""
            count += 1
        }
        return digits.isEmpty ? count : nil
    }
}

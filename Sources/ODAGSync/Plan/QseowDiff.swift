import ODAGCore

/// Compares a `qseow` declaration with its live link (Qlik's `LinkStateFull`) and plans the change.
///
/// - `name` by its exact Unicode scalars; `templateApp` by id, case-insensitively (a change is an
///   update: Qlik's PUT takes `templateApp`); `selectionApp` never (Qlik never returns it).
/// - `rowEstExpr`, `dynamicView`: equality; `status`: the declared `active`/`disabled` against the
///   live status.
/// - `bindings`: a set in any order, each declared binding equal to its own live one on the fields it
///   states (the server fills `selectionStates`, `numericOnly`, `formatting`, `range`); as many of each.
/// - `properties`: each declared key's array as a whole, paired by `context` in any order, each
///   element on the fields it states; read-only `streamName`/`sheetName` never; undeclared keys kept.
/// - `ignore` names `templateApp`, `rowEstExpr`, `bindings`, `dynamicView`, `status` or
///   `properties.<key>`: such a field is neither compared nor changed.
///
/// Diff paths name array elements by their key, not their place:
/// `bindings[templateAppVarName=Region].selectAppParamName`, `properties.rowEstRange[context=*].highBound`
/// (``QseowElements/label(_:key:index:)``); a whole element added or removed has no field after it.
public enum QseowDiff {
    /// The field differences between the declaration and the live link, live → declared; empty when
    /// the link needs no change.
    public static func diffs(declaration: DeclaredLink, live: OdagLink) -> [FieldDiff] {
        let fields = declaration.qseow ?? QseowDeclaredFields()
        let ignore = Set(declaration.ignore)
        let state = live.qseow
        var diffs: [FieldDiff] = []
        if live.name.map({ !ExactText.equal($0, declaration.name) }) ?? true {
            diffs.append(
                FieldDiff(path: "name", before: live.name.map(JSONValue.string), after: .string(declaration.name)))
        }
        if !ignore.contains("templateApp"), !Planner.sameApp(declaration.templateAppId, live.templateAppId) {
            diffs.append(
                FieldDiff(
                    path: "templateApp", before: live.templateAppId.map(JSONValue.string),
                    after: .string(declaration.templateAppId)))
        }
        if let declared = fields.rowEstExpr, !ignore.contains("rowEstExpr"), declared != state?.rowEstExpr {
            diffs.append(
                FieldDiff(path: "rowEstExpr", before: state?.rowEstExpr.map(JSONValue.string), after: .string(declared))
            )
        }
        if let declared = fields.dynamicView, !ignore.contains("dynamicView"), declared != state?.dynamicView {
            diffs.append(
                FieldDiff(path: "dynamicView", before: state?.dynamicView.map(JSONValue.bool), after: .bool(declared)))
        }
        if let declared = fields.status, !ignore.contains("status"), declared != live.status {
            diffs.append(FieldDiff(path: "status", before: live.status.map(JSONValue.string), after: .string(declared)))
        }
        if let declared = fields.bindings, !ignore.contains("bindings") {
            diffs += bindingDiffs(declared: declared, live: state?.bindings ?? [])
        }
        for (key, declared) in (fields.properties ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = JSONPath.appending(key: key, to: "properties")
            guard !ignore.contains(path) else { continue }
            diffs += propertyDiffs(declared: declared, live: state?.properties?[key], path: path)
        }
        return diffs
    }

    /// The update one declaration needs against its live match, or `nil` when none. Its body is
    /// ``QseowPayloads/modify(declaration:live:)``.
    static func change(for declaration: DeclaredLink, live: OdagLink) -> PlannedChange? {
        let diffs = diffs(declaration: declaration, live: live)
        guard !diffs.isEmpty else { return nil }
        return PlannedChange(
            action: .update, name: declaration.name, id: live.id, diffs: diffs, before: live.json,
            after: QseowPayloads.modifyBody(declaration: declaration, live: live),
            source: declaration.source.description)
    }

    /// Why a declaration that matches no live link cannot be created: it names no `selectionApp`, which
    /// Qlik needs to create a link and never returns.
    static func missingSelectionApp(_ declaration: DeclaredLink) -> PlanError {
        PlanError(
            kind: .missingSelectionApp, name: declaration.name,
            message:
                "link \(quoted(declaration.name)) does not exist on the server and declares no \"selectionApp\"; Qlik needs the selection app to create it: add \"selectionApp\" to the manifest",
            source: declaration.source.description)
    }

    /// The create of a declaration that matches no live link, or `nil` when it names no `selectionApp`
    /// (``missingSelectionApp(_:)``).
    static func create(for declaration: DeclaredLink) -> PlannedChange? {
        guard let body = QseowPayloads.create(declaration: declaration), let selectionApp = declaration.selectionAppId
        else { return nil }
        let fields = declaration.qseow ?? QseowDeclaredFields()
        var diffs = [
            FieldDiff(path: "name", before: nil, after: .string(declaration.name)),
            FieldDiff(path: "selectionApp", before: nil, after: .string(selectionApp)),
            FieldDiff(path: "templateApp", before: nil, after: .string(declaration.templateAppId)),
        ]
        if let rowEstExpr = fields.rowEstExpr {
            diffs.append(FieldDiff(path: "rowEstExpr", before: nil, after: .string(rowEstExpr)))
        }
        if let dynamicView = fields.dynamicView {
            diffs.append(FieldDiff(path: "dynamicView", before: nil, after: .bool(dynamicView)))
        }
        if let status = fields.status { diffs.append(FieldDiff(path: "status", before: nil, after: .string(status))) }
        if let bindings = fields.bindings { diffs += bindingDiffs(declared: bindings, live: []) }
        for (key, declared) in (fields.properties ?? [:]).sorted(by: { $0.key < $1.key }) {
            diffs += propertyDiffs(declared: declared, live: nil, path: JSONPath.appending(key: key, to: "properties"))
        }
        return PlannedChange(
            action: .create, name: declaration.name, diffs: diffs, after: body, source: declaration.source.description)
    }

    /// The differences of the declared bindings from the live ones: for each declared binding paired
    /// with a live one, the fields it states that differ; each declared binding with no live one, and
    /// each live binding no declared one pairs, whole.
    static func bindingDiffs(declared: [JSONValue], live: [JSONValue]) -> [FieldDiff] {
        if QseowElements.sameBindings(declared: declared, live: live) { return [] }
        return elementDiffs(
            declared: declared, live: live, pairs: QseowElements.bindingPairs(declared: declared, live: live),
            path: "bindings", key: "templateAppVarName")
    }

    /// The differences of one declared property key's per-context array from the live value.
    static func propertyDiffs(declared: JSONValue, live: JSONValue?, path: String) -> [FieldDiff] {
        guard case .array(let declaredElements) = declared, live == nil || live?.arrayValue != nil else {
            return declared == live ? [] : [FieldDiff(path: path, before: live, after: declared)]
        }
        let liveElements = live?.arrayValue ?? []
        if QseowElements.sameContexts(declared: declaredElements, live: liveElements) { return [] }
        return elementDiffs(
            declared: declaredElements, live: liveElements,
            pairs: QseowElements.contextPairs(declared: declaredElements, live: liveElements), path: path,
            key: "context")
    }

    private static func elementDiffs(
        declared: [JSONValue], live: [JSONValue], pairs: [Int?], path: String, key: String
    ) -> [FieldDiff] {
        var diffs: [FieldDiff] = []
        for (index, element) in declared.enumerated() {
            let elementPath = path + QseowElements.label(element, key: key, index: index)
            guard let liveIndex = pairs[index] else {
                diffs += leaves(of: element, path: elementPath, named: key)
                continue
            }
            let members = element.objectValue ?? [:]
            for field in members.keys.sorted() where !QseowElements.readOnlyKeys.contains(field) {
                guard let value = members[field], live[liveIndex][field] != value else { continue }
                diffs.append(
                    FieldDiff(
                        path: JSONPath.appending(key: field, to: elementPath), before: live[liveIndex][field],
                        after: value))
            }
        }
        let paired = Set(pairs.compactMap { $0 })
        for (index, element) in live.enumerated() where !paired.contains(index) {
            diffs.append(
                FieldDiff(
                    path: path + QseowElements.label(element, key: key, index: index), before: element, after: nil))
        }
        return diffs
    }

    /// An element no live one pairs, one difference per field it states but the one its path already
    /// names (`key`), so a plan reads `properties.rowEstRange[context=*].highBound: 100000`.
    private static func leaves(of element: JSONValue, path: String, named key: String) -> [FieldDiff] {
        let named = element[key]?.stringValue == nil ? nil : key
        let fields = (element.objectValue ?? [:]).filter { field, _ in
            field != named && !QseowElements.readOnlyKeys.contains(field)
        }
        guard !fields.isEmpty else { return [FieldDiff(path: path, before: nil, after: element)] }
        return fields.keys.sorted().compactMap { field in
            fields[field].map { FieldDiff(path: JSONPath.appending(key: field, to: path), before: nil, after: $0) }
        }
    }
}

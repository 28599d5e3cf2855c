import ODAGCore

/// The emulator's rule for a generation request's `selectionState`, checked against the link's bindings.
///
/// - `selectionState` is an object mapping a selection field name to an array of selected values
///   (strings, numbers or booleans).
/// - Members that no binding of the link uses are ignored, whatever their value: a selection app
///   sends the state of all its fields, and the API document allows any object.
/// - A member that a binding uses must be an array of selected values (else `400`).
/// - A binding whose `selectionType` is `selected` or `required` (any case) needs at least one
///   selected value for its field; other types (`optional`, `all`, …) need none.
/// - A selected value equal to ``EmulatorConfiguration/failingSelectionValue`` is accepted, and
///   makes the generation end `failed`.
enum SelectionRule {
    static let requiringTypes: Set<String> = ["selected", "required"]

    static func check(_ selectionState: JSONValue, against link: OdagLink) throws(EmulatorAPIError) {
        guard case .object(let members) = selectionState else {
            throw .badRequest("selectionState: expected an object, found \(selectionState.kindDescription)")
        }
        let bindings = link.properties?.bindings ?? []
        let fields = Set(bindings.compactMap(\.selectionField))
        for name in members.keys.sorted() where fields.contains(name) {
            let path = JSONPath.appending(key: name, to: "selectionState")
            guard case .array(let values) = members[name] ?? .null else {
                let value = members[name] ?? .null
                throw .badRequest("\(path): expected an array of selected values, found \(value.kindDescription)")
            }
            for (index, value) in values.enumerated() {
                switch value {
                case .string, .int, .double, .bool: continue
                default:
                    throw .badRequest(
                        "\(JSONPath.appending(index: index, to: path)): expected a selected value, found \(value.kindDescription)"
                    )
                }
            }
        }
        for binding in bindings {
            guard let field = binding.selectionField,
                requiringTypes.contains((binding.selectionType ?? "").lowercased())
            else { continue }
            if (members[field]?.arrayValue ?? []).isEmpty {
                throw .badRequest(
                    "selectionState: the binding of field \(JSONWriter.string(.string(field))) needs at least one selected value"
                )
            }
        }
    }

    /// Whether the selection asks the emulator to fail the generation.
    static func requestsFailure(_ selectionState: JSONValue?) -> Bool {
        guard case .object(let members) = selectionState ?? .null else { return false }
        return members.values.contains { value in
            (value.arrayValue ?? []).contains(.string(EmulatorConfiguration.failingSelectionValue))
        }
    }
}

import Foundation
import ODAGCore
import ODAGSync

/// Deterministic synthetic links: link `i` is declared and live with the same values, except the
/// "changed" ones, whose live retention differs (so the plan updates them).
struct SyntheticData: Sendable {
    /// Live links that differ from their declaration: every `changeEvery`-th (0 for none).
    let changeEvery: Int

    init(changedPercent: Double) {
        changeEvery = changedPercent <= 0 ? 0 : max(1, Int((100 / changedPercent).rounded()))
    }

    func isChanged(_ index: Int) -> Bool { changeEvery > 0 && index % changeEvery == 0 }

    static func uuid(_ kind: UInt32, _ index: Int) -> String {
        "\(hex(UInt64(kind), 8))-0000-4000-8000-\(hex(UInt64(index), 12))"
    }

    static func hex(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func name(_ index: Int) -> String { "Bench link \(hex(UInt64(index), 6))" }
    static func selectionApp(_ index: Int) -> String { uuid(0x5e1ec7, index % 40) }
    static func templateApp(_ index: Int) -> String { uuid(0x7e3a1a, index % 40) }
    static func linkId(_ index: Int) -> String { uuid(0x11_4c, index) }

    /// The properties a manifest states for link `i`.
    static func declaredProperties(_ index: Int, maxAge: Int = 1440) -> JSONValue {
        .object([
            "rowEstExpr": .string("Sum([Order Count])"),
            "bindings": .array([
                binding("Region", "Region"),
                binding("Year", "Fiscal Year"),
                binding("Product Line \(index % 7)", "Product Line"),
            ]),
            "genAppAccessible": .bool(true),
            "retention": .object(["maxAge": .int(maxAge), "maxCount": .int(5)]),
        ])
    }

    static func binding(_ selection: String, _ template: String) -> JSONValue {
        .object([
            "selectionField": .string(selection), "templateField": .string(template),
            "selectionType": .string("selected"),
        ])
    }

    /// The manifest object of link `i`.
    static func manifestLink(_ index: Int) -> JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name(index)),
            "selectionAppId": .string(selectionApp(index)),
            "templateAppId": .string(templateApp(index)),
            "properties": declaredProperties(index),
        ]
        if index % 10 == 3 { members["ignore"] = .array([.string("properties.publishTo")]) }
        return .object(members)
    }

    /// Link `i` as the server returns it: every declared field plus server-set and unmodelled ones.
    func liveLink(_ index: Int) -> JSONValue {
        var properties = Self.declaredProperties(index, maxAge: isChanged(index) ? 720 : 1440)
        if case .object(var members) = properties {
            members["publishTo"] = .string(Self.uuid(0x9b_0b, index % 3))
            members["menuLabel"] = .string("Open detail app")
            properties = .object(members)
        }
        return .object([
            "id": .string(Self.linkId(index)),
            "name": .string(Self.name(index)),
            "selectionAppId": .string(Self.selectionApp(index)),
            "templateAppId": .string(Self.templateApp(index)),
            "properties": properties,
            "owner": .string("CORP\\svc_odag"),
            "status": .string("active"),
            "createdDate": .string("2026-01-01T00:00:00.000Z"),
            "modifiedDate": .string("2026-01-02T00:00:00.000Z"),
            "modelGroups": .array([]),
            "templateAppOrigName": .string("Sales detail template"),
        ])
    }

    func liveLinks(_ count: Int) throws -> [OdagLink] {
        try (0..<count).map { try OdagLink(json: liveLink($0)) }
    }

    static func declaredLinks(_ count: Int) -> [DeclaredLink] {
        (0..<count).map { index in
            DeclaredLink(
                name: name(index), selectionAppId: selectionApp(index), templateAppId: templateApp(index),
                properties: declaredProperties(index), ignore: index % 10 == 3 ? ["properties.publishTo"] : [],
                source: ManifestSource(file: "links/bench.json", location: nil, path: "links[\(index)]"))
        }
    }

    /// Writes `count` links spread evenly over `files` manifests under `folder`.
    /// `pretty: false` writes each file as one line of minified JSON, as scripts and exports write them.
    static func writeManifests(count: Int, files: Int, to folder: String, pretty: Bool = true) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = max(1, min(files, count))
        var start = 0
        for file in 0..<files {
            let end = count * (file + 1) / files
            let links = (start..<end).map(manifestLink)
            start = end
            let document: JSONValue = .object([
                "$schema": .string("../schemas/odag-links.schema.json"), "links": .array(links),
            ])
            let bytes = JSONWriter.bytes(document, pretty: pretty, leadingKeys: ["$schema", "name"])
            try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/team-\(hex(UInt64(file), 3)).json"))
        }
    }

    /// Writes an emulator state file holding the first `count` live links.
    func writeStateFile(count: Int, to path: String) throws {
        let document: JSONValue = .object([
            "formatVersion": .int(1), "links": .array((0..<count).map(liveLink)), "requests": .array([]),
        ])
        try Data(JSONWriter.bytes(document)).write(to: URL(fileURLWithPath: path))
    }
}

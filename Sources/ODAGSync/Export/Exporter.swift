import ODAGCore

/// One manifest file written by `export`.
public struct ExportedManifest: Sendable, Equatable {
    /// The file name (safe, unique within the export, ending in `.json`).
    public var fileName: String
    /// The manifest.
    public var json: JSONValue
    /// The flavour the manifest is written in.
    public var flavour: APIFlavour = .document

    /// The manifest as pretty JSON with a final newline, keys in reading order.
    public var text: String {
        let leadingKeys = flavour == .qseow ? Exporter.qseowLeadingKeys : Exporter.leadingKeys
        return JSONWriter.string(json, pretty: true, leadingKeys: leadingKeys) + "\n"
    }
}

/// Turns live links into manifests that validate and plan to no changes against the same server
/// (SPEC §6 `export`). Only the fields the manifest format manages are written; whatever else the
/// server keeps is left alone by later updates anyway.
public enum Exporter {
    /// The result of an export.
    public struct Result: Sendable, Equatable {
        /// One manifest per link, sorted by file name.
        public var manifests: [ExportedManifest]
        /// Why some links in scope were not exported.
        public var skipped: [String]
        /// What a reader of the manifests must know, such as what Qlik never returns (not failures).
        public var notes: [String] = []
        /// The flavour the manifests are written in.
        public var flavour: APIFlavour = .document
    }

    static let leadingKeys = [
        "$schema", "links", "name", "id", "selectionAppId", "templateAppId", "properties", "ignore",
    ]
    /// The reading order of a qseow manifest: the link's keys as Qlik documents them, then a binding's,
    /// then `context` first in each per-context value.
    static let qseowLeadingKeys =
        ["$schema", "links"] + QseowManifestSchema.linkKeys + QseowManifestSchema.bindingKeys + ["context"]

    /// Exports the live links in `scope`, one manifest each, in `flavour`; each manifest's `$schema` is
    /// `schemaReference` when one is given. In the `qseow` flavour decommissioned links are retired and
    /// not exported, and the result's notes say that Qlik never returns a link's selection app.
    public static func export(
        _ live: [OdagLink], scope: LinkScope, schemaReference: String? = nil, flavour: APIFlavour = .document
    ) -> Result {
        let inScope = live.filter { scope.contains($0) && (flavour == .document || !QseowExport.isRetired($0)) }
        // Names are the same only when their Unicode scalars are: "Caf\u{E9}" and "Cafe\u{301}" are two links.
        var byName: [NameKey: Int] = [:]
        for link in inScope { byName[NameKey(link.name ?? ""), default: 0] += 1 }
        var result = Result(manifests: [], skipped: [], flavour: flavour)
        var taken = Set<String>()
        let sorted = inScope.sorted { (($0.name ?? ""), ($0.id ?? "")) < (($1.name ?? ""), ($1.id ?? "")) }
        for link in sorted {
            let name = link.name ?? ""
            // Qlik never returns the selection app: a qseow declaration goes without it.
            guard let id = link.id, let template = link.templateAppId,
                flavour == .qseow || link.selectionAppId != nil
            else {
                result.skipped.append("a link named \(quoted(name)) lacks an id or app id")
                continue
            }
            guard !name.isEmpty else {
                result.skipped.append(
                    "link \(DisplayText.sanitized(id)) has an empty name, which a manifest cannot declare; name it on the server"
                )
                continue
            }
            let sharing = byName[NameKey(name)] ?? 1
            guard sharing == 1 else {
                result.skipped.append(
                    "link \(quoted(name)) (id \(DisplayText.sanitized(id))) shares its name with \(sharing - 1) other link(s); names are unique in manifests, so rename or delete the duplicates on the server"
                )
                continue
            }
            let declaration: [String: JSONValue]
            switch flavour {
            case .document:
                declaration = documentDeclaration(link, name: name, template: template)
            case .qseow:
                declaration = QseowExport.declaration(link, name: name, template: template, notes: &result.notes)
            }
            result.manifests.append(
                ExportedManifest(
                    fileName: fileName(for: name, taken: &taken),
                    json: manifest(links: [escapingVariables(.object(declaration))], schemaReference: schemaReference),
                    flavour: flavour))
        }
        result.manifests.sort { $0.fileName < $1.fileName }
        if flavour == .qseow, !result.manifests.isEmpty { result.notes.append(QseowExport.selectionAppNote) }
        return result
    }

    /// A document-flavour declaration of `link`, which has a selection app.
    private static func documentDeclaration(_ link: OdagLink, name: String, template: String) -> [String: JSONValue] {
        var declaration: [String: JSONValue] = [
            "name": .string(name), "selectionAppId": .string(link.selectionAppId ?? ""),
            "templateAppId": .string(template),
        ]
        if var properties = link.properties.map(managedProperties)?.objectValue {
            // A manifest binding states all of its keys; one the server returned without them
            // cannot be declared, so the bindings are left unmanaged (and the manifest says so).
            let incomplete = properties["bindings"]?.arrayValue?.contains { binding in
                ManifestSchema.bindingKeys.contains { binding[$0]?.stringValue == nil }
            }
            if incomplete == true {
                properties["bindings"] = nil
                declaration["ignore"] = ["properties.bindings"]
            }
            if !properties.isEmpty { declaration["properties"] = .object(properties) }
        }
        return declaration
    }

    /// All exported links in one manifest (for `--out -`), with `schemaReference` as its `$schema`.
    public static func combined(_ result: Result, schemaReference: String? = nil) -> ExportedManifest {
        let links = result.manifests.flatMap { $0.json["links"]?.arrayValue ?? [] }
        return ExportedManifest(
            fileName: "-", json: manifest(links: links, schemaReference: schemaReference), flavour: result.flavour)
    }

    /// A manifest document: its `$schema` line when there is a reference, then its links.
    static func manifest(links: [JSONValue], schemaReference: String?) -> JSONValue {
        var members: [String: JSONValue] = ["links": .array(links)]
        if let schemaReference { members["$schema"] = .string(schemaReference) }
        return .object(members)
    }

    /// The properties the manifest format manages, as the server has them.
    static func managedProperties(_ properties: OdagLinkProperties) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if let rowEstExpr = properties.rowEstExpr { members["rowEstExpr"] = .string(rowEstExpr) }
        if let bindings = properties.bindings {
            members["bindings"] = .array(
                bindings.map { binding in
                    var projected = binding
                    projected.extra = [:]
                    return projected.json
                })
        }
        if let genAppAccessible = properties.genAppAccessible { members["genAppAccessible"] = .bool(genAppAccessible) }
        if let publishTo = properties.publishTo { members["publishTo"] = .string(publishTo) }
        if let retention = properties.retention {
            var projected = retention
            projected.extra = [:]
            if projected.json != [:] { members["retention"] = projected.json }
        }
        return .object(members)
    }

    /// `value` with every `${` in its strings written `$${`, so that reading the manifest back (which
    /// expands `${name}`) gives the live text again instead of an unresolved variable.
    static func escapingVariables(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where text.contains("${"):
            return .string(text.replacing("${", with: "$${"))
        case .array(let items):
            return .array(items.map(escapingVariables))
        case .object(let members):
            return .object(members.mapValues(escapingVariables))
        default:
            return value
        }
    }

    /// A file name made from the link name: lower-case letters and digits joined by `-`, unique.
    static func fileName(for name: String, taken: inout Set<String>) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        slug = String(slug.trimmingDashes().prefix(60)).trimmingDashes()
        if slug.isEmpty { slug = "link" }
        var candidate = slug + ".json"
        var counter = 2
        while taken.contains(candidate) {
            candidate = "\(slug)-\(counter).json"
            counter += 1
        }
        taken.insert(candidate)
        return candidate
    }
}

extension String {
    fileprivate func trimmingDashes() -> String {
        var text = Substring(self)
        while text.hasPrefix("-") { text = text.dropFirst() }
        while text.hasSuffix("-") { text = text.dropLast() }
        return String(text)
    }
}

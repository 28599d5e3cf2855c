import Foundation
import ODAGCore
import Testing

@testable import ODAGSync

/// Keeps `schemas/*.schema.json` in step with the keys the validator knows.
@Suite struct SchemaTests {
    static func schema(_ name: String, filePath: String = #filePath) throws -> JSONValue {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("schemas/\(name)").path
        let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
        return try JSONParser.parse([UInt8](data))
    }

    static func keys(_ object: JSONValue?) -> Set<String> {
        Set(object?["properties"]?.objectValue?.keys.map { $0 } ?? [])
    }

    static func required(_ object: JSONValue?) -> [String] {
        object?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Every object schema that lists properties must forbid others and describe each of them (a `$ref`
    /// property is described by its definition); only the schemas at `open` paths may allow others, with
    /// a described schema for them. Walks schemas, not arbitrary members, so a property named
    /// `properties` is not mistaken for a keyword.
    static func checkClosedAndDescribed(_ schema: JSONValue, path: String = "#", open: Set<String> = []) {
        if let properties = schema["properties"]?.objectValue {
            if open.contains(path) {
                #expect(
                    schema["additionalProperties"]?["description"]?.stringValue?.isEmpty == false,
                    "\(path) must describe what else it allows")
            } else {
                #expect(schema["additionalProperties"] == false, "\(path) must set additionalProperties: false")
            }
            for (key, property) in properties {
                let described = property["description"]?.stringValue?.isEmpty == false || property["$ref"] != nil
                #expect(described, "\(path)/properties/\(key) needs a description")
                checkClosedAndDescribed(property, path: path + "/properties/" + key, open: open)
            }
        }
        for (key, definition) in schema["$defs"]?.objectValue ?? [:] {
            #expect(
                definition["description"]?.stringValue?.isEmpty == false, "\(path)/$defs/\(key) needs a description")
            checkClosedAndDescribed(definition, path: path + "/$defs/" + key, open: open)
        }
        if let items = schema["items"] { checkClosedAndDescribed(items, path: path + "/items", open: open) }
        if let additional = schema["additionalProperties"], case .object = additional {
            checkClosedAndDescribed(additional, path: path + "/additionalProperties", open: open)
        }
    }

    @Test func manifestSchemaMatchesTheValidator() throws {
        let schema = try Self.schema("odag-links.schema.json")
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(Self.keys(schema) == Set(ManifestSchema.rootKeys))
        #expect(Self.required(schema) == ManifestSchema.requiredRootKeys)
        let defs = schema["$defs"]
        #expect(Self.keys(defs?["link"]) == Set(ManifestSchema.linkKeys))
        #expect(Self.required(defs?["link"]) == ManifestSchema.requiredLinkKeys)
        #expect(Self.keys(defs?["properties"]) == Set(ManifestSchema.propertyKeys))
        #expect(Set(ManifestSchema.propertyKeys) == OdagLinkProperties.knownKeys)
        #expect(Self.keys(defs?["binding"]) == Set(ManifestSchema.bindingKeys))
        #expect(Self.required(defs?["binding"]) == ManifestSchema.bindingKeys)
        #expect(Self.keys(defs?["retention"]) == Set(ManifestSchema.retentionKeys))
        let ignorable = defs?["link"]?["properties"]?["ignore"]?["items"]?["enum"]?.arrayValue?.compactMap(
            \.stringValue)
        #expect(ignorable == ManifestSchema.ignorableFields)
        Self.checkClosedAndDescribed(schema)
    }

    @Test func qseowManifestSchemaMatchesTheValidator() throws {
        let schema = try Self.schema("odag-links-qseow.schema.json")
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(Self.keys(schema) == Set(ManifestSchema.rootKeys))
        #expect(Self.required(schema) == ManifestSchema.requiredRootKeys)
        let defs = schema["$defs"]
        #expect(Self.keys(defs?["link"]) == Set(QseowManifestSchema.linkKeys))
        #expect(Self.required(defs?["link"]) == QseowManifestSchema.requiredLinkKeys)
        #expect(Self.keys(defs?["binding"]) == Set(QseowManifestSchema.bindingKeys))
        #expect(Self.required(defs?["binding"]) == QseowManifestSchema.requiredBindingKeys)
        #expect(Self.keys(defs?["formatting"]) == Set(QseowManifestSchema.formattingKeys))
        #expect(Self.keys(defs?["range"]) == Set(QseowManifestSchema.rangeKeys))
        #expect(Self.enumValues(defs?["link"]?["properties"]?["status"]) == QseowManifestSchema.statuses)
        #expect(
            Self.enumValues(defs?["binding"]?["properties"]?["selectAppParamType"]) == QseowManifestSchema.paramTypes)
        #expect(Self.keys(defs?["properties"]) == Set(QseowManifestSchema.propertyKeys))
        for (key, fields) in QseowManifestSchema.propertyFields {
            #expect(defs?["properties"]?["properties"]?[key]?["items"]?["$ref"] == .string("#/$defs/\(key)Value"))
            let element = defs?["\(key)Value"]
            #expect(Self.keys(element) == Set(["context"] + fields.map(\.name)), "\(key)")
            #expect(Self.required(element) == ["context"], "\(key)")
            for (name, type) in fields {
                let member = element?["properties"]?[name]
                switch type {
                case .string, .readOnlyString, .retentionTime: #expect(member?["type"] == "string", "\(key).\(name)")
                case .integer(let minimum):
                    #expect(member?["type"] == "integer" && member?["minimum"] == .int(minimum), "\(key).\(name)")
                case .boolean: #expect(member?["type"] == "boolean", "\(key).\(name)")
                case .strings: #expect(member?["items"]?["type"] == "string", "\(key).\(name)")
                }
            }
        }
        let ignorable = defs?["link"]?["properties"]?["ignore"]?["items"]?["enum"]?.arrayValue?.compactMap(
            \.stringValue)
        #expect(ignorable == QseowManifestSchema.ignorableFields)
        // Qlik adds property keys between releases: the one open object, as validate only warns.
        Self.checkClosedAndDescribed(schema, open: ["#/$defs/properties"])
    }

    @Test func qseowRetentionTimePatternAgreesWithTheValidator() throws {
        let schema = try Self.schema("odag-links-qseow.schema.json")
        let pattern = try #require(
            schema["$defs"]?["appRetentionTimeValue"]?["properties"]?["retentionTime"]?["pattern"]?.stringValue)
        let regex = try Regex(pattern)
        for text in [
            "P1D", "PT12H", "P1Y2M3W4DT5H6M7.5S", "unlimited", "P", "PT", "P1DT", "1D", "PT1D", "P1D2Y", "P1.5D",
        ] {
            let expected = text == "unlimited" || ManifestChecker.isDuration(text)
            #expect((text.wholeMatch(of: regex) != nil) == expected, "\(text)")
        }
        #expect("${retention}".wholeMatch(of: regex) != nil)
    }

    /// Every manifest of the qseow examples (the example project, and the valid validator fixtures)
    /// names the qseow schema by a path that exists, so editors check it while typing.
    @Test func qseowExampleManifestsNameTheQseowSchema() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folders = ["examples/qseow", "Tests/ODAGSyncTests/Fixtures/qseow/manifests/valid"]
        var checked = 0
        for folder in folders {
            let base = root.appendingPathComponent(folder)
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let item = enumerator.nextObject() as? String {
                guard item.hasSuffix(".json"), !item.hasPrefix("expected"), !item.hasSuffix("odag-sync.json") else {
                    continue
                }
                let file = base.appendingPathComponent(item)
                let data = try #require(FileManager.default.contents(atPath: file.path))
                let value = try JSONParser.parse([UInt8](data))
                guard value["links"] != nil, let named = value["$schema"]?.stringValue else { continue }
                #expect(named.hasSuffix("odag-links-qseow.schema.json"), "\(folder)/\(item)")
                let resolved = file.deletingLastPathComponent().appendingPathComponent(named).standardized.path
                #expect(FileManager.default.fileExists(atPath: resolved), "\(folder)/\(item): \(named)")
                checked += 1
            }
        }
        #expect(checked >= 1)
    }

    static func enumValues(_ schema: JSONValue?) -> [String] {
        let alternatives = schema?["anyOf"]?.arrayValue ?? []
        return alternatives.compactMap { $0["enum"]?.arrayValue }.first?.compactMap(\.stringValue) ?? []
    }

    @Test func uuidPatternAllowsVariables() throws {
        let schema = try Self.schema("odag-links.schema.json")
        let pattern = try #require(schema["$defs"]?["uuidOrVariable"]?["pattern"]?.stringValue)
        let regex = try Regex(pattern)
        #expect("4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5b".wholeMatch(of: regex) != nil)
        #expect("${salesSelectionApp}".wholeMatch(of: regex) != nil)
        #expect("abc".wholeMatch(of: regex) == nil)
        #expect("4e2c0b7e-5d0a-4c8e-9b7a-1f0c2d3e4a5".wholeMatch(of: regex) == nil)
    }

    @Test func configSchemaMatchesTheLoader() throws {
        let schema = try Self.schema("odag-sync.schema.json")
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(Self.keys(schema) == Set(ConfigSchema.rootKeys))
        let defs = schema["$defs"]
        #expect(Self.keys(defs?["environment"]) == Set(ConfigSchema.environmentKeys))
        #expect(Self.keys(defs?["scope"]) == Set(ConfigSchema.scopeKeys))
        #expect(Self.keys(defs?["safety"]) == Set(ConfigSchema.safetyKeys))
        #expect(schema["properties"]?["environments"]?["additionalProperties"]?["$ref"] == "#/$defs/environment")
        for api in [schema["properties"]?["api"], defs?["environment"]?["properties"]?["api"]] {
            #expect(api?["enum"]?.arrayValue?.compactMap(\.stringValue) == APIChoice.names)
        }
        Self.checkClosedAndDescribed(schema)
    }
}

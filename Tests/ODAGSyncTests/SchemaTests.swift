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
    /// property is described by its definition). Walks schemas, not arbitrary members, so a property
    /// named `properties` is not mistaken for a keyword.
    static func checkClosedAndDescribed(_ schema: JSONValue, path: String = "#") {
        if let properties = schema["properties"]?.objectValue {
            #expect(schema["additionalProperties"] == false, "\(path) must set additionalProperties: false")
            for (key, property) in properties {
                let described = property["description"]?.stringValue?.isEmpty == false || property["$ref"] != nil
                #expect(described, "\(path)/properties/\(key) needs a description")
                checkClosedAndDescribed(property, path: path + "/properties/" + key)
            }
        }
        for (key, definition) in schema["$defs"]?.objectValue ?? [:] {
            #expect(
                definition["description"]?.stringValue?.isEmpty == false, "\(path)/$defs/\(key) needs a description")
            checkClosedAndDescribed(definition, path: path + "/$defs/" + key)
        }
        if let items = schema["items"] { checkClosedAndDescribed(items, path: path + "/items") }
        if let additional = schema["additionalProperties"], case .object = additional {
            checkClosedAndDescribed(additional, path: path + "/additionalProperties")
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

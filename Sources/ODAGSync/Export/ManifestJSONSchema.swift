/// The JSON Schema of a manifest (`schemas/odag-links.schema.json`), built in so that `export` can
/// write it beside the manifests it writes: their `$schema` then resolves in the user's repository,
/// wherever odag-sync itself was installed from. A test keeps this text equal to the file.
public enum ManifestJSONSchema {
    /// The file name `export` writes the schema under, and that its manifests refer to.
    public static let fileName = "odag-links.schema.json"

    /// The schema's text, byte for byte the repository's `schemas/odag-links.schema.json`.
    public static let text = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://github.com/odag-sync/odag-sync/schemas/odag-links.schema.json",
          "title": "odag-sync manifest",
          "description": "Qlik Sense ODAG navigation links declared for odag-sync (SPEC §2). String values may use ${name} (the environment's variables), ${env:NAME} (the process environment) and $${ for a literal ${.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "links"
          ],
          "properties": {
            "$schema": {
              "type": "string",
              "description": "The path or URL of this schema, so editors validate while typing."
            },
            "links": {
              "type": "array",
              "description": "The navigation links this file declares. Names must be unique across all manifests.",
              "items": {
                "$ref": "#/$defs/link"
              }
            }
          },
          "$defs": {
            "uuidOrVariable": {
              "type": "string",
              "description": "A UUID (8-4-4-4-12 hexadecimal digits), or a string using ${…} variables that expands to one.",
              "pattern": "^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|.*\\$\\{[^}]+\\}.*)$"
            },
            "link": {
              "type": "object",
              "description": "One navigation link (the API's OdagLinkCreate, plus id and ignore).",
              "additionalProperties": false,
              "required": [
                "name",
                "selectionAppId",
                "templateAppId"
              ],
              "properties": {
                "name": {
                  "type": "string",
                  "minLength": 1,
                  "description": "The link's name: its identity across manifests, unique, and within scope.namePrefix when the config sets one."
                },
                "id": {
                  "$ref": "#/$defs/uuidOrVariable",
                  "description": "Pins this declaration to one live link, so the name may change (a rename)."
                },
                "selectionAppId": {
                  "$ref": "#/$defs/uuidOrVariable",
                  "description": "ID of the selection app. Changing it replaces the link (delete, then create)."
                },
                "templateAppId": {
                  "$ref": "#/$defs/uuidOrVariable",
                  "description": "ID of the template app. Changing it replaces the link (delete, then create)."
                },
                "properties": {
                  "$ref": "#/$defs/properties"
                },
                "ignore": {
                  "type": "array",
                  "description": "Field paths whose live value odag-sync does not manage.",
                  "items": {
                    "type": "string",
                    "enum": [
                      "properties",
                      "properties.rowEstExpr",
                      "properties.bindings",
                      "properties.genAppAccessible",
                      "properties.publishTo",
                      "properties.retention",
                      "properties.retention.maxAge",
                      "properties.retention.maxCount"
                    ],
                    "description": "A field path such as properties.publishTo."
                  }
                }
              }
            },
            "properties": {
              "type": "object",
              "description": "The link's settings (the API's OdagLinkProperties). Only the members stated are managed.",
              "additionalProperties": false,
              "properties": {
                "rowEstExpr": {
                  "type": "string",
                  "description": "Expression estimating the number of rows in the generated app."
                },
                "bindings": {
                  "type": "array",
                  "description": "Field bindings between the selection and template apps, compared as a whole, order-insensitive. A selectionField and templateField pair appears once.",
                  "items": {
                    "$ref": "#/$defs/binding"
                  }
                },
                "genAppAccessible": {
                  "type": "boolean",
                  "description": "Whether generated apps are accessible to users."
                },
                "publishTo": {
                  "type": "string",
                  "description": "Stream ID generated apps are published to."
                },
                "retention": {
                  "$ref": "#/$defs/retention"
                }
              }
            },
            "binding": {
              "type": "object",
              "description": "A field binding (the API's OdagBinding).",
              "additionalProperties": false,
              "required": [
                "selectionField",
                "templateField",
                "selectionType"
              ],
              "properties": {
                "selectionField": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Field name in the selection app."
                },
                "templateField": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Field name in the template app."
                },
                "selectionType": {
                  "type": "string",
                  "description": "Type of selection binding (for example selected)."
                }
              }
            },
            "retention": {
              "type": "object",
              "description": "How long and how many generated apps are kept.",
              "additionalProperties": false,
              "properties": {
                "maxAge": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "Maximum age in minutes before a generated app is removed."
                },
                "maxCount": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "Maximum number of generated apps kept per user."
                }
              }
            }
          }
        }

        """#
}

/// The JSON Schema of a qseow manifest (`schemas/odag-links-qseow.schema.json`), built in so that
/// `export` in the qseow flavour can write it beside the manifests it writes. A test keeps this text
/// equal to the file.
public enum QseowManifestJSONSchema {
    /// The file name `export` writes the schema under, and that its qseow manifests refer to.
    public static let fileName = "odag-links-qseow.schema.json"

    /// The schema's text, byte for byte the repository's `schemas/odag-links-qseow.schema.json`.
    public static let text = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://github.com/odag-sync/odag-sync/schemas/odag-links-qseow.schema.json",
          "title": "odag-sync manifest (qseow flavour)",
          "description": "Qlik Sense ODAG navigation links in the shapes Qlik documents for its ODAG service API (the qseow flavour, for Qlik Sense Enterprise on Windows). String values may use ${name} (the environment's variables), ${env:NAME} (the process environment) and $${ for a literal ${.",
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
            "variable": {
              "type": "string",
              "description": "A string using ${…} variables, checked once expanded.",
              "pattern": "^.*\\$\\{[^}]+\\}.*$"
            },
            "link": {
              "type": "object",
              "description": "One navigation link in Qlik's documented shape (LinkAddPayload/LinkModifyPayload, plus id, status and ignore).",
              "additionalProperties": false,
              "required": [
                "name",
                "templateApp"
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
                "selectionApp": {
                  "$ref": "#/$defs/uuidOrVariable",
                  "description": "ID of the selection app. Needed only to create the link: Qlik never returns it, so it is never compared, and a link that would be created without it is a plan error. export cannot write it."
                },
                "templateApp": {
                  "$ref": "#/$defs/uuidOrVariable",
                  "description": "ID of the template app. A change is an in-place update."
                },
                "rowEstExpr": {
                  "type": "string",
                  "description": "Expression estimating the number of rows in the generated app, such as Count(OrderID)."
                },
                "bindings": {
                  "type": "array",
                  "description": "Qlik's bindings, compared as a set in any order, each on the fields it states (the server fills selectionStates, numericOnly, formatting and range from the template's script). A template variable is bound once.",
                  "items": {
                    "$ref": "#/$defs/binding"
                  }
                },
                "dynamicView": {
                  "type": "boolean",
                  "description": "Whether the link is a dynamic view (Qlik then keeps generated apps 24 hours, one per user)."
                },
                "status": {
                  "description": "The link's status: active or disabled (decommissioned is reached by pruning; incomplete is the server's verdict).",
                  "anyOf": [
                    {
                      "enum": [
                        "active",
                        "disabled"
                      ]
                    },
                    {
                      "$ref": "#/$defs/variable"
                    }
                  ]
                },
                "properties": {
                  "$ref": "#/$defs/properties"
                },
                "ignore": {
                  "type": "array",
                  "description": "Field paths whose live value odag-sync does not manage.",
                  "items": {
                    "type": "string",
                    "description": "A field path such as properties.publishTo.",
                    "enum": [
                      "templateApp",
                      "rowEstExpr",
                      "bindings",
                      "dynamicView",
                      "status",
                      "properties.appOpenMethod",
                      "properties.appRetentionTime",
                      "properties.cacheExpiry",
                      "properties.disable",
                      "properties.engineGroup",
                      "properties.ephemeral",
                      "properties.genAppLimit",
                      "properties.genAppName",
                      "properties.hide",
                      "properties.limitPolicy",
                      "properties.menuLabel",
                      "properties.overrideGenAppLimit",
                      "properties.publishTo",
                      "properties.reloadSchedule",
                      "properties.rowEstRange",
                      "properties.targetSheet"
                    ]
                  }
                }
              }
            },
            "binding": {
              "type": "object",
              "description": "A binding (Qlik's Binding).",
              "additionalProperties": false,
              "required": [
                "templateAppVarName"
              ],
              "properties": {
                "templateAppVarName": {
                  "type": "string",
                  "minLength": 1,
                  "description": "The template app's variable (od_FIELDNAME in its script) this binding fills."
                },
                "selectAppParamType": {
                  "description": "What in the selection app supplies the values.",
                  "anyOf": [
                    {
                      "enum": [
                        "Field",
                        "Variable",
                        "Property",
                        "Exclude"
                      ]
                    },
                    {
                      "$ref": "#/$defs/variable"
                    }
                  ]
                },
                "selectAppParamName": {
                  "type": "string",
                  "description": "The field, variable or property in the selection app."
                },
                "selectionStates": {
                  "type": "string",
                  "pattern": "^(?:[SO]+|.*\\$\\{[^}]+\\}.*)$",
                  "description": "Which values are passed: S (selected), O (optional), such as SO. Set by the template's script unless declared."
                },
                "numericOnly": {
                  "type": "boolean",
                  "description": "Whether only numeric values are passed. Set by the template's script unless declared."
                },
                "formatting": {
                  "$ref": "#/$defs/formatting"
                },
                "range": {
                  "$ref": "#/$defs/range"
                }
              }
            },
            "formatting": {
              "type": "object",
              "description": "How values are written into the template's script. Set by the template's script unless declared.",
              "additionalProperties": false,
              "properties": {
                "delimiter": {
                  "type": "string",
                  "description": "The separator between values."
                },
                "quote": {
                  "type": "string",
                  "description": "The quote around each value."
                }
              }
            },
            "range": {
              "type": "object",
              "description": "How many values must be selected. Set by the template's script unless declared.",
              "additionalProperties": false,
              "properties": {
                "lowerBound": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "The fewest values."
                },
                "upperBound": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "The most values."
                }
              }
            },
            "properties": {
              "type": "object",
              "description": "Qlik's LinkProperties: each key an array of per-context values. Only the keys stated are managed; a key Qlik added that odag-sync does not know is a validate warning and is passed through as written.",
              "properties": {
                "appOpenMethod": {
                  "type": "array",
                  "description": "How a generated app is opened (Tab by default; Window is seen in use). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/appOpenMethodValue"
                  }
                },
                "appRetentionTime": {
                  "type": "array",
                  "description": "How long generated apps are kept. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/appRetentionTimeValue"
                  }
                },
                "cacheExpiry": {
                  "type": "array",
                  "description": "How long generated apps are cached (premium only). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/cacheExpiryValue"
                  }
                },
                "disable": {
                  "type": "array",
                  "description": "Whether the link is disabled in the given context. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/disableValue"
                  }
                },
                "engineGroup": {
                  "type": "array",
                  "description": "The engine group generated apps are loaded on (premium only). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/engineGroupValue"
                  }
                },
                "ephemeral": {
                  "type": "array",
                  "description": "Whether generated apps are ephemeral (premium only). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/ephemeralValue"
                  }
                },
                "genAppLimit": {
                  "type": "array",
                  "description": "How many generated apps one user may have from this link; absent means no limit. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/genAppLimitValue"
                  }
                },
                "genAppName": {
                  "type": "array",
                  "description": "The name of generated apps: {N} in formatString is replaced by params[N]; a param may be $(<expression>). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/genAppNameValue"
                  }
                },
                "hide": {
                  "type": "array",
                  "description": "Whether the link is hidden in the given context (clients must honour it). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/hideValue"
                  }
                },
                "limitPolicy": {
                  "type": "array",
                  "description": "What happens when a user reaches genAppLimit (Restrict by default; AutoDelete is seen in use). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/limitPolicyValue"
                  }
                },
                "menuLabel": {
                  "type": "array",
                  "description": "The label of the link in the selection app's menu. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/menuLabelValue"
                  }
                },
                "overrideGenAppLimit": {
                  "type": "array",
                  "description": "Whether genAppLimit is ignored. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/overrideGenAppLimitValue"
                  }
                },
                "publishTo": {
                  "type": "array",
                  "description": "The stream generated apps are published to (the link's creator needs the right to publish there). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/publishToValue"
                  }
                },
                "reloadSchedule": {
                  "type": "array",
                  "description": "The reload schedule of generated apps (premium only). Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/reloadScheduleValue"
                  }
                },
                "rowEstRange": {
                  "type": "array",
                  "description": "The row estimate's allowed range: a request whose estimate lies outside it is blocked. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/rowEstRangeValue"
                  }
                },
                "targetSheet": {
                  "type": "array",
                  "description": "The sheet a generated app opens on. Managed as a whole, compared by context in any order.",
                  "items": {
                    "$ref": "#/$defs/targetSheetValue"
                  }
                }
              },
              "additionalProperties": {
                "type": "array",
                "description": "A property key Qlik documents after this schema was written: passed through as written."
              }
            },
            "context": {
              "type": "string",
              "minLength": 1,
              "description": "The rule on the usage environment this value applies in: User_* for all users, User.name = joe style for one user; * is also used. Unique within a key."
            },
            "appOpenMethodValue": {
              "type": "object",
              "description": "One per-context value of appOpenMethod.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "openMethod": {
                  "type": "string",
                  "description": "The method, such as Tab."
                }
              }
            },
            "appRetentionTimeValue": {
              "type": "object",
              "description": "One per-context value of appRetentionTime.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "retentionTime": {
                  "type": "string",
                  "description": "An ISO-8601 duration such as P1D or PT12H, or unlimited.",
                  "pattern": "^(?:unlimited|P(?!$)(?:\\d+Y)?(?:\\d+M)?(?:\\d+W)?(?:\\d+D)?(?:T(?=\\d)(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?|.*\\$\\{[^}]+\\}.*)$"
                }
              }
            },
            "cacheExpiryValue": {
              "type": "object",
              "description": "One per-context value of cacheExpiry.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "cacheLife": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "Seconds."
                }
              }
            },
            "disableValue": {
              "type": "object",
              "description": "One per-context value of disable.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "disable": {
                  "type": "boolean",
                  "description": "true: disabled."
                }
              }
            },
            "engineGroupValue": {
              "type": "object",
              "description": "One per-context value of engineGroup.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "engineGroupId": {
                  "type": "string",
                  "description": "The engine group's id."
                }
              }
            },
            "ephemeralValue": {
              "type": "object",
              "description": "One per-context value of ephemeral.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "isEphemeral": {
                  "type": "boolean",
                  "description": "true: ephemeral."
                }
              }
            },
            "genAppLimitValue": {
              "type": "object",
              "description": "One per-context value of genAppLimit.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "limit": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "The most generated apps per user."
                }
              }
            },
            "genAppNameValue": {
              "type": "object",
              "description": "One per-context value of genAppName.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "formatString": {
                  "type": "string",
                  "description": "The name pattern, such as \"Sales {0}\"."
                },
                "params": {
                  "type": "array",
                  "description": "The values for {0}, {1}, …",
                  "items": {
                    "type": "string"
                  }
                }
              }
            },
            "hideValue": {
              "type": "object",
              "description": "One per-context value of hide.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "hide": {
                  "type": "boolean",
                  "description": "true: hidden."
                }
              }
            },
            "limitPolicyValue": {
              "type": "object",
              "description": "One per-context value of limitPolicy.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "limitPolicy": {
                  "type": "string",
                  "description": "The policy, such as Restrict."
                }
              }
            },
            "menuLabelValue": {
              "type": "object",
              "description": "One per-context value of menuLabel.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "label": {
                  "type": "string",
                  "description": "The label."
                }
              }
            },
            "overrideGenAppLimitValue": {
              "type": "object",
              "description": "One per-context value of overrideGenAppLimit.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "overrideGenAppLimit": {
                  "type": "boolean",
                  "description": "true: genAppLimit is ignored."
                }
              }
            },
            "publishToValue": {
              "type": "object",
              "description": "One per-context value of publishTo.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "streamId": {
                  "type": "string",
                  "description": "The stream's id."
                },
                "streamName": {
                  "type": "string",
                  "description": "Read-only: Qlik fills it in; never compared or sent (a warning when declared)."
                }
              }
            },
            "reloadScheduleValue": {
              "type": "object",
              "description": "One per-context value of reloadSchedule.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "schedule": {
                  "type": "string",
                  "description": "The schedule."
                }
              }
            },
            "rowEstRangeValue": {
              "type": "object",
              "description": "One per-context value of rowEstRange.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "lowBound": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "The smallest allowed row estimate (optional)."
                },
                "highBound": {
                  "type": "integer",
                  "minimum": 0,
                  "description": "The largest allowed row estimate."
                }
              }
            },
            "targetSheetValue": {
              "type": "object",
              "description": "One per-context value of targetSheet.",
              "additionalProperties": false,
              "required": [
                "context"
              ],
              "properties": {
                "context": {
                  "$ref": "#/$defs/context"
                },
                "sheetId": {
                  "type": "string",
                  "description": "The sheet's id."
                },
                "sheetName": {
                  "type": "string",
                  "description": "Read-only: Qlik fills it in; never compared or sent (a warning when declared)."
                }
              }
            }
          }
        }

        """#
}

/// One `--flag` a command accepts.
public struct OptionSpec: Sendable, Equatable {
    /// The flag with its dashes, e.g. `--server`.
    public var name: String
    /// The placeholder shown in help for the value, or `nil` for a flag that takes no value.
    public var valueName: String?
    /// Whether the flag may be given more than once (its values are collected in order).
    public var repeatable: Bool
    /// One line of help.
    public var help: String

    /// A flag that takes a value.
    public static func value(_ name: String, _ valueName: String, repeatable: Bool = false, _ help: String)
        -> OptionSpec
    {
        OptionSpec(name: name, valueName: valueName, repeatable: repeatable, help: help)
    }

    /// A flag that takes no value.
    public static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, repeatable: false, help: help)
    }

    /// Whether the flag takes a value.
    public var takesValue: Bool { valueName != nil }
}

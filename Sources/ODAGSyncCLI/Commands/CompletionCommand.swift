import Foundation
import ODAGCore

/// `odag-sync completion bash|zsh|fish`: prints a shell completion script.
///
/// The scripts complete commands, options, the values of `--output` and `--api`, the environments of the config
/// (read when Tab is pressed, through `odag-sync completion environments`), files and folders where
/// an option or a command takes one, `help COMMAND` and `completion SHELL`.
struct CompletionCommand: Command {
    static let name = "completion"
    static let summary = "Print a shell completion script (bash, zsh or fish)"
    static let usage = "completion bash|zsh|fish"
    static let discussion = """
        Prints a completion script for the shell. Load it from your shell's start-up file, e.g.
          bash: source <(odag-sync completion bash)
          zsh:  source <(odag-sync completion zsh)
          fish: odag-sync completion fish | source
        Besides commands and options it completes the values of --output and --api, the environments of the
        config for --env (read from ./odag-sync.json, or the --config given, when Tab is pressed),
        files and folders where one is expected, help COMMAND and completion SHELL.
        `odag-sync completion environments [CONFIG]` prints the environment names the scripts offer.
        """
    static let examples = ["odag-sync completion bash > /etc/bash_completion.d/odag-sync"]
    static let options: [OptionSpec] = []

    static let shells = ["bash", "zsh", "fish"]

    /// The `--output` values each command accepts (checked against the commands by a test).
    static let outputFormats: [String: [String]] = [
        "validate": ["text", "json"],
        "plan": ["text", "json", "markdown"],
        "apply": ["text", "json", "markdown"],
        "drift": ["text", "json", "markdown", "prometheus"],
    ]

    /// The commands whose arguments are manifest paths (or, for apply, a plan file).
    static let takesPaths: Set<String> = ["validate", "plan", "apply", "drift"]

    /// What an option's value is, for completion.
    enum ValueKind: Equatable {
        case none
        case file
        case folderOrDash
        case environment
        case choices([String])
    }

    static func valueKind(_ option: OptionSpec, command: String) -> ValueKind {
        guard let valueName = option.valueName else { return .none }
        if option.name == "--output", let formats = outputFormats[command] { return .choices(formats) }
        if option.name == "--api" {
            // The emulator serves one flavour; it recognises nothing.
            let flavours = APIFlavour.allCases.map(\.rawValue)
            return .choices(command == "emulator" ? flavours : ["auto"] + flavours)
        }
        if option.name == "--env" { return .environment }
        if valueName == "DIR|-" { return .folderOrDash }
        if valueName.hasSuffix("FILE") { return .file }
        return .none
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        let positionals = arguments.positionals
        if positionals.first == "environments", positionals.count <= 2 {
            return try printEnvironments(config: positionals.count == 2 ? positionals[1] : nil, context: context)
        }
        guard let shell = positionals.first, positionals.count == 1 else {
            throw CommandError.usage(UsageError("completion needs one shell: bash, zsh or fish"))
        }
        switch shell {
        case "bash": context.console.output(bash())
        case "zsh": context.console.output(zsh())
        case "fish": context.console.output(fish())
        default:
            let hint = Suggestion.closest(to: shell, among: shells).map { "did you mean \"\($0)\"?" }
            throw CommandError.usage(UsageError("unknown shell \"\(shell)\"; expected bash, zsh or fish", hint: hint))
        }
        return .success
    }

    /// Prints the environment names of `config` (default `./odag-sync.json`, where none is no error),
    /// one a line, sorted. Names a shell could misread (control characters) are left out.
    static func printEnvironments(config: String?, context: CommandContext) throws -> ExitCode {
        let path = absolutePath(config ?? "odag-sync.json", context)
        guard let data = FileManager.default.contents(atPath: path) else {
            if config == nil { return .success }
            throw CommandError.failed("cannot read the config \(quoted(config ?? path))")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(Array(data))
        } catch {
            throw CommandError.failed("the config \(quoted(config ?? "odag-sync.json")) is not JSON: \(error)")
        }
        guard case .object(let members)? = root["environments"] else { return .success }
        let names = members.map(\.key).filter { name in
            !name.isEmpty && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        for name in names.sorted() { context.console.output(name + "\n") }
        return .success
    }

    // MARK: - bash

    static func bash() -> String {
        let commands = CommandLineTool.commands
        let names = commands.map { $0.name }.joined(separator: " ")
        var optionLists = ""
        var valueCases = ""
        for command in commands {
            let flags = (command.options.map(\.name) + ["--help"]).joined(separator: " ")
            optionLists += "        \(command.name)) opts=\"\(flags)\" ;;\n"
            for option in command.options {
                let action: String
                switch valueKind(option, command: command.name) {
                case .none:
                    guard option.takesValue else { continue }
                    action = "return"
                case .file: action = "_odag_sync_files -f"
                case .folderOrDash: action = "_odag_sync_files -d; [[ - == \"$cur\"* ]] && COMPREPLY+=(-)"
                case .environment: action = "_odag_sync_environments"
                case .choices(let values):
                    action = "COMPREPLY=($(compgen -W \"\(values.joined(separator: " "))\" -- \"$cur\"))"
                }
                valueCases += "        \"\(command.name) \(option.name)\") \(action); return ;;\n"
            }
        }
        let paths = takesPaths.sorted().joined(separator: "|")
        return """
            # odag-sync completion for bash: source <(odag-sync completion bash)
            _odag_sync_files() {
                compopt -o filenames 2>/dev/null
                local IFS=$'\\n'
                COMPREPLY=($(compgen "$1" -- "$cur"))
            }
            # Environment names come from the config, which the repository's author wrote: they are
            # matched as plain text, never given to compgen -W, which would expand $(…) in them.
            _odag_sync_environments() {
                local program=${COMP_WORDS[0]} config="" i name
                [[ $program == "~/"* ]] && program=$HOME/${program#"~/"}
                for ((i = 2; i < COMP_CWORD; i++)); do
                    case "${COMP_WORDS[i]}" in
                        --config) [[ ${COMP_WORDS[i+1]} == "=" ]] && config=${COMP_WORDS[i+2]} || config=${COMP_WORDS[i+1]} ;;
                        --config=*) config=${COMP_WORDS[i]#--config=} ;;
                    esac
                done
                COMPREPLY=()
                while IFS= read -r name; do
                    [[ $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
                done < <("$program" completion environments ${config:+"$config"} 2>/dev/null)
            }
            _odag_sync() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command=${COMP_WORDS[1]} opts=""
                COMPREPLY=()
                if [ "$COMP_CWORD" -eq 1 ]; then
                    COMPREPLY=($(compgen -W "\(names)" -- "$cur"))
                    return
                fi
                # --option=value arrives as three words: --option, =, value.
                if [ "$cur" = "=" ]; then
                    cur=""
                elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 3 ]; then
                    prev=${COMP_WORDS[COMP_CWORD-2]}
                fi
                case "$command $prev" in
            \(valueCases)    esac
                case "$command" in
            \(optionLists)        *) opts="" ;;
                esac
                if [[ "$cur" == -* ]]; then
                    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
                    return
                fi
                case "$command" in
                    help) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "\(names)" -- "$cur")) ;;
                    completion) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "\(shells.joined(separator: " "))" -- "$cur")) ;;
                    \(paths)) _odag_sync_files -f ;;
                esac
            }
            complete -F _odag_sync odag-sync

            """
    }

    // MARK: - zsh

    /// Help text made safe inside a zsh `_arguments` spec (`'--flag[help]:…'`).
    static func zshHelp(_ text: String) -> String {
        String(text.filter { !"[]:'\\`$".contains($0) })
    }

    static func zsh() -> String {
        let commands = CommandLineTool.commands
        let names = commands.map { $0.name }.joined(separator: " ")
        var cases = ""
        for command in commands {
            var specs: [String] = []
            for option in command.options + [.flag("--help", "Show help")] {
                let spec = "\(option.repeatable ? "*" : "")\(option.name)[\(zshHelp(option.help))]"
                switch valueKind(option, command: command.name) {
                case .none:
                    let value = zshHelp(option.valueName ?? "value")
                    specs.append(option.takesValue ? "'\(spec):\(value): '" : "'\(spec)'")
                case .file: specs.append("'\(spec):file:_files'")
                case .folderOrDash: specs.append("'\(spec):folder:_files -/'")
                case .environment: specs.append("'\(spec):environment:_odag_sync_environments'")
                case .choices(let values): specs.append("'\(spec):format:(\(values.joined(separator: " ")))'")
                }
            }
            if takesPaths.contains(command.name) { specs.append("'*:path:_files'") }
            if command.name == "help" { specs.append("'1:command:(\(names))'") }
            if command.name == "completion" { specs.append("'1:shell:(\(shells.joined(separator: " ")))'") }
            cases += "    \(command.name)) _arguments \(specs.joined(separator: " ")) ;;\n"
        }
        return """
            #compdef odag-sync
            # odag-sync completion for zsh: source <(odag-sync completion zsh)
            _odag_sync_environments() {
              local -a names
              names=(${(f)"$(${words[1]:-odag-sync} completion environments ${opt_args[--config]} 2>/dev/null)"})
              compadd -a names
            }
            _odag_sync() {
              if (( CURRENT == 2 )); then
                compadd \(names)
                return
              fi
              local command=$words[2]
              shift words
              (( CURRENT-- ))
              case $command in
            \(cases)  esac
            }
            compdef _odag_sync odag-sync

            """
    }

    // MARK: - fish

    static func fish() -> String {
        let commands = CommandLineTool.commands
        let names = commands.map { $0.name }.joined(separator: " ")
        var lines = "# odag-sync completion for fish: odag-sync completion fish | source\n"
        lines += "complete -c odag-sync -f -n '__fish_use_subcommand' -a '\(names)'\n"
        let noFiles = commands.map { $0.name }.filter { !takesPaths.contains($0) }.joined(separator: " ")
        lines += "complete -c odag-sync -f -n '__fish_seen_subcommand_from \(noFiles)'\n"
        lines += "complete -c odag-sync -f -n '__fish_seen_subcommand_from help' -a '\(names)'\n"
        lines +=
            "complete -c odag-sync -f -n '__fish_seen_subcommand_from completion' -a '\(shells.joined(separator: " "))'\n"
        for command in commands {
            for option in command.options {
                let flag = option.name.dropFirst(2)
                let help = option.help.replacingOccurrences(of: "'", with: "")
                let value: String
                switch valueKind(option, command: command.name) {
                case .none: value = option.takesValue ? " -x" : ""
                case .file: value = " -r -F"
                case .folderOrDash: value = " -x -a '(__fish_complete_directories) -'"
                case .environment: value = " -x -a '(odag-sync completion environments 2>/dev/null)'"
                case .choices(let values): value = " -x -a '\(values.joined(separator: " "))'"
                }
                lines +=
                    "complete -c odag-sync -n '__fish_seen_subcommand_from \(command.name)' -l \(flag)\(value) -d '\(help)'\n"
            }
        }
        return lines
    }
}

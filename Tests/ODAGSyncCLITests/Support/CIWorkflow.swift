import Foundation

/// The shell a CI file runs, taken out of its YAML by indentation (enough for the files in
/// `examples/ci`, which use plain block style; no YAML library is available or needed).
enum CIWorkflow {
    /// One shell script a CI step (GitHub `run:`) or job (GitLab `script:`) runs.
    struct Script: Sendable, CustomStringConvertible {
        /// The job the script belongs to.
        var job: String
        /// The shell text.
        var text: String
        /// The variables the YAML gives it, as written (`${{ secrets.X }}`, `$X`): a GitHub job's
        /// `env:` overlaid with the step's, or a GitLab job's `variables:`.
        var environment: [String: String] = [:]

        var description: String { "[\(job)]\n\(text)" }
    }

    static func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// The top-level job owning line `index` (a key at indentation 2 under `jobs:` for GitHub,
    /// or at indentation 0 for GitLab).
    static func job(at index: Int, lines: [Substring], jobIndentation: Int) -> String {
        for line in lines[...index].reversed()
        where indentation(line) == jobIndentation && line.hasSuffix(":")
            && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
        {
            return line.trimmingCharacters(in: .whitespaces).dropLast().description
        }
        return ""
    }

    /// The lines after `index` indented deeper than `base` (a block scalar's body), de-indented.
    static func block(after index: Int, lines: [Substring], base: Int) -> (text: String, end: Int) {
        var body: [Substring] = []
        var end = index + 1
        while end < lines.count {
            let line = lines[end]
            if !line.trimmingCharacters(in: .whitespaces).isEmpty && indentation(line) <= base { break }
            body.append(line)
            end += 1
        }
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
        let cut = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(indentation).min() ?? 0
        return (body.map { $0.count >= cut ? String($0.dropFirst(cut)) : "" }.joined(separator: "\n"), end)
    }

    /// Every `run:` of a GitHub Actions workflow, one script per step.
    static func githubRuns(_ yaml: String) -> [Script] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        var scripts: [Script] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let key = trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed
            guard key.hasPrefix("run:") else {
                index += 1
                continue
            }
            let keyColumn = indentation(line) + (trimmed.hasPrefix("- ") ? 2 : 0)
            let value = key.dropFirst("run:".count).trimmingCharacters(in: .whitespaces)
            let job = job(at: index, lines: lines, jobIndentation: 2)
            let environment = githubEnvironment(job: job, step: index, stepKeyColumn: keyColumn, lines: lines)
            if value == "|" || value == "|-" {
                let (text, end) = block(after: index, lines: lines, base: keyColumn)
                scripts.append(Script(job: job, text: text, environment: environment))
                index = end
            } else {
                scripts.append(Script(job: job, text: value, environment: environment))
                index += 1
            }
        }
        return scripts
    }

    /// Every job's `script:` of a GitLab CI file, one script per job (its items in order).
    static func gitlabScripts(_ yaml: String) -> [Script] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        var scripts: [Script] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.trimmingCharacters(in: .whitespaces) == "script:" else {
                index += 1
                continue
            }
            let base = indentation(line)
            let job = job(at: index, lines: lines, jobIndentation: 0)
            var items: [String] = []
            index += 1
            while index < lines.count {
                let item = lines[index]
                let trimmed = item.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && indentation(item) <= base { break }
                guard trimmed.hasPrefix("- ") else {
                    index += 1
                    continue
                }
                let value = String(trimmed.dropFirst(2))
                if value == "|" || value == "|-" {
                    let (text, end) = block(after: index, lines: lines, base: indentation(item))
                    items.append(text)
                    index = end
                } else {
                    items.append(value)
                    index += 1
                }
            }
            let environment = keyIndex(of: "variables:", job: job, jobIndentation: 0, lines: lines).map {
                mapping(after: $0, lines: lines)
            }
            scripts.append(Script(job: job, text: items.joined(separator: "\n"), environment: environment ?? [:]))
        }
        return scripts
    }

    /// The `key: value` lines directly under the key at line `index` (a block mapping of scalars).
    static func mapping(after index: Int, lines: [Substring]) -> [String: String] {
        let base =
            indentation(lines[index]) + (lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("- ") ? 2 : 0)
        var result: [String: String] = [:]
        var childIndentation: Int?
        for line in lines[(index + 1)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if indentation(line) <= base { break }
            if childIndentation == nil { childIndentation = indentation(line) }
            guard indentation(line) == childIndentation, let colon = trimmed.firstIndex(of: ":") else { continue }
            result[String(trimmed[..<colon])] = trimmed[trimmed.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// The line of `key` among the direct keys of job `job` (at `jobIndentation`), if any.
    static func keyIndex(of key: String, job: String, jobIndentation: Int, lines: [Substring]) -> Int? {
        guard
            let start = lines.firstIndex(where: {
                indentation($0) == jobIndentation && $0.trimmingCharacters(in: .whitespaces) == job + ":"
            })
        else { return nil }
        var keyIndentation: Int?
        for index in (start + 1)..<lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if indentation(lines[index]) <= jobIndentation { return nil }
            if keyIndentation == nil { keyIndentation = indentation(lines[index]) }
            if indentation(lines[index]) == keyIndentation && trimmed == key { return index }
        }
        return nil
    }

    /// A GitHub step's environment: the job's `env:` overlaid with the step's own `env:`.
    static func githubEnvironment(job: String, step: Int, stepKeyColumn: Int, lines: [Substring]) -> [String: String] {
        var environment =
            keyIndex(of: "env:", job: job, jobIndentation: 2, lines: lines).map {
                mapping(after: $0, lines: lines)
            } ?? [:]
        // The step's keys sit at stepKeyColumn, from its "- " line to the next step.
        var first = step
        while first > 0
            && !(indentation(lines[first]) == stepKeyColumn - 2
                && lines[first].trimmingCharacters(in: .whitespaces).hasPrefix("- "))
        {
            first -= 1
        }
        var index = first
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if index > first && !trimmed.isEmpty && indentation(line) < stepKeyColumn { break }
            let key = index == first ? String(trimmed.dropFirst(2)) : trimmed
            if key == "env:" && (index == first || indentation(line) == stepKeyColumn) {
                environment.merge(mapping(after: index, lines: lines)) { $1 }
            }
            index += 1
        }
        return environment
    }
}

//! Command-line arguments: what the user asked for, parsed and checked.
//!
//! Parsing is separate from running so that every usage error is found before any file
//! is read, and so the rules are unit-tested without spawning the binary.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use blockwatch_lint::Category;

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// rustc-style diagnostics with the source line and the call underlined.
    Human,
    /// The versioned JSON document described in README.md (`schema_version`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// rustc's JSON diagnostics, one per line (`--message-format json`).
    RustcJson,
}

/// How findings in test code (`#[cfg(test)]`, `#[test]` fns, `tests/`) are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestMode {
    /// Scanned, and reported under the separate category `test` (the default).
    Separate,
    /// Scanned, and reported under the API's own category like any other code.
    Include,
    /// Not reported; `tests/` directories are not read at all.
    Skip,
}

/// Whether to color the human format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColorChoice {
    /// Color when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Everything a scan needs to know from the command line.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Workspaces, crates, directories or files to scan; empty means the current directory.
    pub(crate) paths: Vec<PathBuf>,
    /// The report format.
    pub(crate) format: Format,
    /// Where to write the report; stdout when absent.
    pub(crate) output: Option<PathBuf>,
    /// An extra configuration file, merged over the discovered configuration.
    pub(crate) config: Option<PathBuf>,
    /// The highest directory configuration discovery reads a `Cargo.toml` in.
    pub(crate) config_root: Option<PathBuf>,
    /// Globs of paths (relative to the scanned root) not to scan.
    pub(crate) exclude: Vec<String>,
    /// Test-code handling.
    pub(crate) tests: TestMode,
    /// Categories switched on (in addition to the defaults and the configuration).
    pub(crate) enable: Vec<Category>,
    /// Categories switched off.
    pub(crate) disable: Vec<Category>,
    /// Print only the findings, no summary or progress notes.
    pub(crate) quiet: bool,
    /// Colors for the human format.
    pub(crate) color: ColorChoice,
    /// What `--fix` / `--diff` / `--allow-dirty` ask for.
    pub(crate) fix: FixMode,
    /// `--baseline FILE`: findings recorded in FILE do not count.
    pub(crate) baseline: Option<PathBuf>,
    /// `--write-baseline FILE`: record today's findings in FILE.
    pub(crate) write_baseline: Option<PathBuf>,
    /// `--group site`: one entry per call site in the human and GitHub formats, instead
    /// of one per blocking leaf.
    pub(crate) group_by_site: bool,
}

/// Whether to rewrite the machine-applicable fixes (see `fix/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FixMode {
    /// `--fix`: write the fixed files.
    pub(crate) apply: bool,
    /// `--diff`: print the patch, write nothing.
    pub(crate) diff: bool,
    /// `--allow-dirty`: fix files with uncommitted changes, or outside git.
    pub(crate) allow_dirty: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            format: Format::Human,
            output: None,
            config: None,
            config_root: None,
            exclude: Vec::new(),
            tests: TestMode::Separate,
            enable: Vec::new(),
            disable: Vec::new(),
            quiet: false,
            color: ColorChoice::Auto,
            fix: FixMode::default(),
            baseline: None,
            write_baseline: None,
            group_by_site: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    /// Scan with these options.
    Scan(Box<Options>),
    /// Print the help text.
    Help,
    /// Print the version.
    Version,
}

/// A command line that cannot be run; exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UsageError(pub(crate) String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> Self {
        UsageError(e.to_string())
    }
}

/// The pseudo-category that `--category`/`--no-category` accept for test code.
pub(crate) const TEST_CATEGORY: &str = "test";

/// The help text printed by `--help`: the options, the categories (from the engine's
/// declarations) and the exit status.
pub(crate) fn help() -> String {
    let mut text = String::from(HELP_OPTIONS);
    text.push_str("\nCATEGORIES:\n");
    for &c in Category::ALL {
        let default = if c.enabled_by_default() {
            ""
        } else {
            " (off by default)"
        };
        text.push_str(&format!(
            "    {:<16}{}{default}\n",
            c.name(),
            c.description()
        ));
    }
    text.push_str(&format!(
        "    {TEST_CATEGORY:<16}findings in test code (reported apart by default)\n"
    ));
    text.push_str(HELP_EXIT_STATUS);
    text
}

/// The usage and options part of the help text.
const HELP_OPTIONS: &str = "\
cargo-blockwatch: find blocking calls in async Rust code, across a whole workspace

USAGE:
    cargo blockwatch [OPTIONS] [PATH]...
    cargo-blockwatch [OPTIONS] [PATH]...

ARGS:
    [PATH]...   A workspace or crate directory (its Cargo.toml is read), a directory
                of .rs files, or .rs files. Default: the current directory.

OPTIONS:
    -f, --format <FORMAT>     human (default), json, sarif or github (workflow
                              commands: annotations on the pull request)
        --message-format json rustc's JSON diagnostics, one per line, with the fixes
                              as suggestions (editors, rustfix)
    -o, --output <FILE>       write the report to FILE instead of stdout
    -c, --config <FILE>       a blockwatch.toml (or Cargo.toml with
                              [package.metadata.blockwatch]) merged over the
                              configuration found next to the scanned crates
        --config-root <DIR>   read no Cargo.toml above DIR when looking for the
                              workspace settings (default: up to the first
                              Cargo.toml with [workspace])
    -e, --exclude <GLOB>      skip paths matching GLOB, relative to the scanned
                              root (repeatable), e.g. --exclude 'benches/**'
        --category <NAME>     switch a category on (repeatable), e.g. lock
        --no-category <NAME>  switch a category off (repeatable), e.g. fs or test
        --no-tests            do not report test code (#[cfg(test)], #[test], tests/)
        --include-tests       report test code under the API's own category
                              (default: scanned, reported under category `test`)
        --color <WHEN>        auto (default), always or never (human format)
        --fix                 apply the machine-applicable fixes, then report what is left
        --diff                print the fixes as a patch; write nothing
        --allow-dirty         let --fix change files with uncommitted changes (or no git)
        --group <leaf|site>   human and github formats: one entry per blocking leaf
                              reached from async code (default), or per call site
        --write-baseline <FILE>  record today's findings in FILE (exit 0)
        --baseline <FILE>     fail only on findings not recorded in FILE; list the
                              entries of FILE that are no longer found
    -q, --quiet               print findings only: no summary, no notes
    -h, --help                print this help
    -V, --version             print the version
";

/// The exit-status part of the help text.
const HELP_EXIT_STATUS: &str = "
EXIT STATUS:
    0  no findings
    1  at least one finding (allowed findings do not count)
    2  usage error, or no findings but some input could not be scanned
";

/// Parses the process arguments (without the program name).
///
/// When run by cargo as `cargo blockwatch ...`, the first argument is the subcommand
/// name `blockwatch`; it is skipped.
pub(crate) fn parse<I>(args: I) -> Result<Command, UsageError>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.first().is_some_and(|a| a == "blockwatch") {
        args.remove(0);
    }
    let mut parser = lexopt::Parser::from_args(args);
    let mut opts = Options::default();
    let mut include_tests = false;
    let mut no_tests = false;
    use lexopt::prelude::*;
    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Short('V') | Long("version") => return Ok(Command::Version),
            Short('q') | Long("quiet") => opts.quiet = true,
            Short('f') | Long("format") => {
                let value = string_value(&mut parser, "--format")?;
                opts.format = match value.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    "sarif" => Format::Sarif,
                    "github" => Format::Github,
                    other => {
                        return Err(UsageError(format!(
                            "invalid value `{other}` for --format; expected human, json, sarif or github"
                        )))
                    }
                };
            }
            Long("message-format") => {
                let value = string_value(&mut parser, "--message-format")?;
                opts.format = match value.as_str() {
                    "json" => Format::RustcJson,
                    "human" | "short" => Format::Human,
                    other => {
                        return Err(UsageError(format!(
                            "invalid value `{other}` for --message-format; expected json or human"
                        )))
                    }
                };
            }
            Short('o') | Long("output") => opts.output = Some(parser.value()?.into()),
            Short('c') | Long("config") => opts.config = Some(parser.value()?.into()),
            Long("config-root") => opts.config_root = Some(parser.value()?.into()),
            Short('e') | Long("exclude") => {
                let glob = string_value(&mut parser, "--exclude")?;
                if let Err(e) = globset::Glob::new(&glob) {
                    return Err(UsageError(format!(
                        "invalid glob `{glob}` for --exclude: {e}"
                    )));
                }
                opts.exclude.push(glob);
            }
            Long("category") => {
                let name = string_value(&mut parser, "--category")?;
                if name == TEST_CATEGORY {
                    no_tests = false;
                } else {
                    opts.enable.push(category(&name, "--category")?);
                }
            }
            Long("no-category") => {
                let name = string_value(&mut parser, "--no-category")?;
                if name == TEST_CATEGORY {
                    no_tests = true;
                } else {
                    opts.disable.push(category(&name, "--no-category")?);
                }
            }
            Long("no-tests") => no_tests = true,
            Long("include-tests") => include_tests = true,
            Long("fix") => opts.fix.apply = true,
            Long("diff") => opts.fix.diff = true,
            Long("allow-dirty") => opts.fix.allow_dirty = true,
            Long("baseline") => opts.baseline = Some(parser.value()?.into()),
            Long("group") => {
                let value = string_value(&mut parser, "--group")?;
                opts.group_by_site = match value.as_str() {
                    "leaf" => false,
                    "site" => true,
                    other => {
                        return Err(UsageError(format!(
                            "invalid value `{other}` for --group; expected leaf or site"
                        )))
                    }
                };
            }
            Long("write-baseline") => opts.write_baseline = Some(parser.value()?.into()),
            Long("color") => {
                let value = string_value(&mut parser, "--color")?;
                opts.color = match value.as_str() {
                    "auto" => ColorChoice::Auto,
                    "always" => ColorChoice::Always,
                    "never" => ColorChoice::Never,
                    other => {
                        return Err(UsageError(format!(
                            "invalid value `{other}` for --color; expected auto, always or never"
                        )))
                    }
                };
            }
            Value(path) => opts.paths.push(path.into()),
            _ => return Err(arg.unexpected().into()),
        }
    }
    opts.tests = match (include_tests, no_tests) {
        (true, true) => {
            return Err(UsageError(
                "--include-tests and --no-tests (or --no-category test) contradict each other"
                    .into(),
            ))
        }
        (true, false) => TestMode::Include,
        (false, true) => TestMode::Skip,
        (false, false) => TestMode::Separate,
    };
    // A category both switched on and off on the command line is a contradiction too.
    if let Some(c) = opts.enable.iter().find(|c| opts.disable.contains(c)) {
        return Err(UsageError(format!(
            "category `{c}` is given to both --category and --no-category"
        )));
    }
    if opts.fix.apply && opts.fix.diff {
        return Err(UsageError(
            "--fix writes the fixes and --diff only prints them: give one of them".into(),
        ));
    }
    if opts.fix.allow_dirty && !opts.fix.apply {
        return Err(UsageError("--allow-dirty only applies to --fix".into()));
    }
    Ok(Command::Scan(Box::new(opts)))
}

fn string_value(parser: &mut lexopt::Parser, flag: &str) -> Result<String, UsageError> {
    parser
        .value()?
        .into_string()
        .map_err(|_| UsageError(format!("the value of {flag} is not valid UTF-8")))
}

fn category(name: &str, flag: &str) -> Result<Category, UsageError> {
    name.parse::<Category>()
        .map_err(|e| UsageError(format!("{flag}: {e}, {TEST_CATEGORY}",)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_category_from_the_engine() {
        let help = help();
        for &c in Category::ALL {
            let line = format!("    {:<16}{}", c.name(), c.description());
            assert!(help.contains(&line), "{line}");
        }
        assert!(help.contains("lock            std Mutex and RwLock locks (off by default)\n"));
        assert!(help.contains("    test            findings in test code"));
    }

    fn scan(args: &[&str]) -> Result<Options, UsageError> {
        match parse(args.iter().map(OsString::from))? {
            Command::Scan(opts) => Ok(*opts),
            other => panic!("expected a scan, got {other:?}"),
        }
    }

    #[test]
    fn defaults_scan_the_current_directory_in_human_format() {
        let opts = scan(&[]).unwrap();
        assert!(opts.paths.is_empty());
        assert_eq!(opts.format, Format::Human);
        assert_eq!(opts.tests, TestMode::Separate);
        assert!(!opts.quiet);
    }

    #[test]
    fn cargo_subcommand_name_is_skipped() {
        let opts = scan(&["blockwatch", "--format", "json", "crates/a"]).unwrap();
        assert_eq!(opts.format, Format::Json);
        assert_eq!(opts.paths, vec![PathBuf::from("crates/a")]);
    }

    #[test]
    fn repeatable_flags_accumulate() {
        let opts = scan(&[
            "--exclude=benches/**",
            "-e",
            "examples/*.rs",
            "--category",
            "lock",
            "--no-category",
            "fs",
            "--no-category=net",
            "-q",
            "-o",
            "out.sarif",
            "-f",
            "sarif",
            "--config-root",
            "..",
        ])
        .unwrap();
        assert_eq!(opts.config_root, Some(PathBuf::from("..")));
        assert_eq!(opts.exclude, vec!["benches/**", "examples/*.rs"]);
        assert_eq!(opts.enable, vec![Category::Lock]);
        assert_eq!(opts.disable, vec![Category::Fs, Category::Net]);
        assert!(opts.quiet);
        assert_eq!(opts.output, Some(PathBuf::from("out.sarif")));
        assert_eq!(opts.format, Format::Sarif);
    }

    #[test]
    fn test_handling_flags() {
        assert_eq!(scan(&["--no-tests"]).unwrap().tests, TestMode::Skip);
        assert_eq!(
            scan(&["--no-category", "test"]).unwrap().tests,
            TestMode::Skip
        );
        assert_eq!(scan(&["--include-tests"]).unwrap().tests, TestMode::Include);
        assert!(scan(&["--include-tests", "--no-tests"]).is_err());
    }

    #[test]
    fn help_and_version_win() {
        assert!(matches!(
            parse(["--format", "json", "--help"].map(OsString::from)),
            Ok(Command::Help)
        ));
        assert!(matches!(
            parse(["-V"].map(OsString::from)),
            Ok(Command::Version)
        ));
    }

    #[test]
    fn fix_baseline_group_and_format_flags() {
        let opts = scan(&[
            "--fix",
            "--allow-dirty",
            "--baseline",
            "b.json",
            "--group",
            "site",
        ])
        .unwrap();
        assert!(opts.fix.apply && opts.fix.allow_dirty && !opts.fix.diff);
        assert_eq!(opts.baseline, Some(PathBuf::from("b.json")));
        assert!(opts.group_by_site);
        assert_eq!(
            scan(&["--format", "github"]).unwrap().format,
            Format::Github
        );
        assert_eq!(
            scan(&["--message-format", "json"]).unwrap().format,
            Format::RustcJson
        );
        let write = scan(&["--write-baseline", "w.json"]).unwrap();
        assert_eq!(write.write_baseline, Some(PathBuf::from("w.json")));
        assert_eq!(
            scan(&["--fix", "--diff"]).unwrap_err().0,
            "--fix writes the fixes and --diff only prints them: give one of them"
        );
        assert_eq!(
            scan(&["--allow-dirty"]).unwrap_err().0,
            "--allow-dirty only applies to --fix"
        );
        assert_eq!(
            scan(&["--group", "file"]).unwrap_err().0,
            "invalid value `file` for --group; expected leaf or site"
        );
        assert_eq!(
            scan(&["--message-format", "xml"]).unwrap_err().0,
            "invalid value `xml` for --message-format; expected json or human"
        );
    }

    #[test]
    fn usage_errors_name_the_problem() {
        let e = scan(&["--format", "xml"]).unwrap_err();
        assert!(e.0.contains("xml") && e.0.contains("sarif"), "{e}");
        let e = scan(&["--category", "locks"]).unwrap_err();
        assert!(e.0.contains("locks") && e.0.contains("lock"), "{e}");
        let e = scan(&["--frobnicate"]).unwrap_err();
        assert!(e.0.contains("frobnicate"), "{e}");
        let e = scan(&["--output"]).unwrap_err();
        assert!(e.0.contains("output"), "{e}");
        let e = scan(&["--exclude", "a/[b"]).unwrap_err();
        assert!(e.0.contains("a/[b"), "{e}");
        let e = scan(&["--category", "fs", "--no-category", "fs"]).unwrap_err();
        assert!(e.0.contains("fs"), "{e}");
    }
}

//! `cargo blockwatch`: scan a whole workspace for blocking calls in async code, and
//! report them for people (rustc-style), for tools (JSON) or for code scanning (SARIF).
//!
//! The analysis is the `blockwatch-lint` engine, the same one behind
//! `#[blockwatch::no_blocking]`; this binary adds what only a whole-workspace view can:
//! module paths across files, and sync helpers that block, called from async code.

mod args;
mod baseline;
mod diagnostic;
mod fingerprint;
mod fix;
mod github;
mod grouping;
mod human;
mod json;
mod nested_packages;
mod pool;
mod rules;
mod rustc_json;
mod sarif;
mod scan;
mod source;
mod vacuous;
mod walk;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use args::{ColorChoice, Command, Format, Options};

/// Exit code for usage errors and for input that could not be scanned.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(e) => {
            print_err(&format!(
                "error: {e}\n\nFor more information, try '--help'.\n"
            ));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match command {
        Command::Help => {
            print(&args::help());
            ExitCode::SUCCESS
        }
        Command::Version => {
            print(&format!("cargo-blockwatch {}\n", env!("CARGO_PKG_VERSION")));
            ExitCode::SUCCESS
        }
        Command::Scan(opts) => {
            if opts.fix.apply || opts.fix.diff {
                if let Some(code) = fix::run(&opts) {
                    return ExitCode::from(code);
                }
            }
            ExitCode::from(scan_and_report(&opts))
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`cargo blockwatch | head`).
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes to stderr; unlike `eprint!`, never panics when stderr is closed.
fn print_err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn use_color(opts: &Options) -> bool {
    match opts.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            opts.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn scan_and_report(opts: &Options) -> u8 {
    let (mut report, root) = match scan::run(opts) {
        Ok(done) => done,
        Err(scan::Fatal(message)) => {
            print_err(&format!("error: {message}\n"));
            return EXIT_USAGE;
        }
    };
    if let Some(path) = &opts.write_baseline {
        if let Err(e) = std::fs::write(path, baseline::document(&report)) {
            print_err(&format!("error: cannot write {}: {e}\n", path.display()));
            return EXIT_USAGE;
        }
        print_err(&format!(
            "blockwatch: wrote {} {} to the baseline {}\n",
            report.findings.len(),
            if report.findings.len() == 1 {
                "finding"
            } else {
                "findings"
            },
            path.display()
        ));
        // Recorded findings are accepted from now on, this run included.
        let entries = baseline::entries(&report);
        baseline::apply(&mut report, &entries, path);
    }
    if let Some(path) = &opts.baseline {
        match baseline::read(path) {
            Ok(entries) => {
                let stale = baseline::apply(&mut report, &entries, path);
                print_err(&baseline::stale_note(&stale, path));
            }
            Err(message) => {
                print_err(&format!("error: {message}\n"));
                return EXIT_USAGE;
            }
        }
    }
    let color = use_color(opts);
    let text = match opts.format {
        Format::Human if opts.group_by_site => human::render(&report, &root, color, opts.quiet),
        Format::Human => grouping::render_human(&report, &root, color, opts.quiet),
        Format::Json => json::render(&report, &root),
        Format::Sarif => sarif::render(&report, &root),
        Format::Github if opts.group_by_site => github::render(&report, opts.quiet),
        Format::Github => grouping::render_github(&report, opts.quiet),
        Format::RustcJson => rustc_json::render(&report, &root),
    };
    let text = if opts.format == Format::Human && !opts.quiet {
        // Before the summary line, which stays last.
        let note = fix::note(&report, &root);
        let summary_at = text.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
        format!("{}{note}{}", &text[..summary_at], &text[summary_at..])
    } else {
        text
    };
    // Input errors always go to stderr: they change the exit code, even with --quiet.
    if !report.errors.is_empty() {
        let stderr_color = color && std::io::stderr().is_terminal();
        print_err(&human::render_errors(&report.errors, stderr_color));
    }
    match &opts.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                print_err(&format!("error: cannot write {}: {e}\n", path.display()));
                return EXIT_USAGE;
            }
            if !opts.quiet && opts.format != Format::Human {
                print_err(&human::summary(&report));
            }
        }
        None => print(&text),
    }
    report.exit_code()
}

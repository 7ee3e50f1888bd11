//! The command line: argument parsing (clap) and the three commands, `check`
//! (the default), `rules` and `explain`. Exit codes: 0 nothing found,
//! 1 findings, 2 the tool could not do its job.

use crate::diagnostic::Level;
use crate::lint::Linter;
use crate::models::Models;
use crate::report::{self, Report};
use crate::rules::{self, Rule, RuleSet};
use crate::walk;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "scope-lint",
    version,
    about = "Lint Rust web code for request-scope misuse: URLs, URIs, query strings, headers",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint files and directories (the default command).
    Check(CheckArgs),
    /// List every rule: code, name, default level, fixable, summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule code (SL002) or name (manual-query-parsing).
        rule: String,
    },
}

#[derive(Args, Debug, Default)]
struct CheckArgs {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Only these rules (codes or names, comma separated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (codes or names, comma separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Print findings only, no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Colour in human output (`NO_COLOR` is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Format {
    #[default]
    Human,
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands: inline annotations on a pull request.
    Github,
    /// `file:line:col: CODE message`, one line per finding.
    Short,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Parse arguments and run; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Rules) => list_rules(),
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Check(args)) => check(args),
        None => check(cli.check),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "scope-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn lookup(key: &str) -> Result<&'static dyn Rule, String> {
    rules::find(key.trim()).ok_or_else(|| {
        let close = rules::close_matches(key.trim());
        if close.is_empty() {
            format!("unknown rule `{key}`; `scope-lint rules` lists them")
        } else {
            format!(
                "unknown rule `{key}`; did you mean {}?",
                close
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        }
    })
}

fn select_rules(select: &[String], ignore: &[String]) -> Result<RuleSet, String> {
    let mut chosen: Vec<&'static dyn Rule> = if select.is_empty() {
        rules::ALL.to_vec()
    } else {
        select.iter().map(|k| lookup(k)).collect::<Result<_, _>>()?
    };
    for key in ignore {
        let skip = lookup(key)?;
        chosen.retain(|r| r.meta().code != skip.meta().code);
    }
    chosen.sort_by_key(|r| r.meta().code);
    chosen.dedup_by_key(|r| r.meta().code);
    Ok(RuleSet::new(
        chosen.into_iter().map(|r| (r, r.meta().level)).collect(),
    ))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let rules = select_rules(&args.select, &args.ignore)?;
    let models = Models::builtin().map_err(|e| e.to_string())?;
    let linter = Linter { models, rules };
    let walked = walk::collect(&args.paths, args.threads).map_err(|e| e.to_string())?;
    let mut results = linter.lint_paths(&walked.files, args.threads);
    for (path, message) in walked.unreadable {
        results.push(crate::lint::FileResult {
            path,
            source: None,
            diagnostics: vec![crate::diagnostic::Diagnostic::new(
                crate::diagnostic::IO_ERROR,
                Level::Error,
                0..0,
                message,
            )],
            incomplete: true,
        });
    }
    let report = Report {
        results: &results,
        elapsed: started.elapsed(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Human => report::human::write(&report, use_color(args.color), args.quiet, &mut out),
        Format::Json => report::json::write(&report, &mut out),
        Format::Sarif => report::sarif::write(&report, &mut out),
        Format::Github => report::github::write(&report, &mut out),
        Format::Short => report::short::write(&report, &mut out),
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {e}"));
        }
    }
    let counts = report.counts();
    Ok(if counts.incomplete > 0 {
        ExitCode::from(2)
    } else if counts.problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules() -> Result<ExitCode, String> {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<6}  {:<24}  {:<7}  {:<7}  {}\n",
        "code", "name", "level", "fixable", "summary"
    ));
    for rule in rules::ALL {
        let m = rule.meta();
        out.push_str(&format!(
            "{:<6}  {:<24}  {:<7}  {:<7}  {}\n",
            m.code,
            m.name,
            m.level.as_str(),
            if m.fixable { "yes" } else { "no" },
            m.summary
        ));
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn explain(key: &str) -> Result<ExitCode, String> {
    let rule = lookup(key)?;
    let m = rule.meta();
    println!("# {} ({})\n", m.code, m.name);
    println!(
        "Default level: {}. Fixable: {}.\n",
        m.level,
        if m.fixable { "yes" } else { "no" }
    );
    print!("{}", m.docs());
    Ok(ExitCode::SUCCESS)
}

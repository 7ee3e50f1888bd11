//! The command line: argument parsing (clap) and the three commands, `check`
//! (the default), `rules` and `explain`. Exit codes: 0 nothing found,
//! 1 findings, 2 the tool could not do its job.

use crate::report::{self, Report};
use crate::rules::{self, Rule};
use crate::run;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
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
pub(crate) enum Command {
    /// Lint files and directories (the default command).
    Check(Box<CheckArgs>),
    /// List every rule: code, name, default level, fixable, summary.
    Rules,
    /// Print a rule's documentation (or that of parse-error, io-error,
    /// internal-error).
    Explain {
        /// A rule code (SL002) or name (manual-query-parsing), or an engine
        /// code (parse-error).
        rule: String,
    },
    /// Run the language server on stdio (for editors).
    Server,
    /// Show the crate versions a path is built against (from Cargo.lock or
    /// Cargo.toml) and the model files and routers that apply to it.
    Models {
        /// A file or directory.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Use this configuration file (its `models` directories).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Print the configuration that applies to a file or directory, and
    /// where each setting came from.
    Config {
        /// A file or directory (default: .).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Use this configuration file instead of looking for one.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Remove the result cache.
    Clean {
        /// The cache directory (default: .scope-lint-cache/ at the project root).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Default)]
pub(crate) struct CheckArgs {
    /// Files or directories to lint (default: .).
    pub(crate) paths: Vec<PathBuf>,
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
    /// Apply safe fixes.
    #[arg(long)]
    fix: bool,
    /// Also apply unsafe fixes (with --fix or --diff).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the diff --fix would make; write nothing (exit 1 if any).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Use this configuration file for every linted file.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub(crate) config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    isolated: bool,
    /// Apply configured excludes to files named on the command line too.
    #[arg(long)]
    force_exclude: bool,
    /// Print the number of findings per rule instead of each finding
    /// (a JSON array with --format json).
    #[arg(long)]
    statistics: bool,
    /// Write the report to this file instead of stdout (human format
    /// without colour).
    #[arg(long, value_name = "PATH")]
    pub(crate) output_file: Option<PathBuf>,
    /// List each fix applied by --fix (file:line, code, what changed), in
    /// every format (to stderr when stdout holds a machine format).
    #[arg(long)]
    show_fixes: bool,
    /// Exit 0 when the paths hold no Rust file (default: warn and exit 2,
    /// so a mistyped CI path does not pass forever).
    #[arg(long)]
    allow_no_files: bool,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// Read the source from stdin and report it under this name.
    #[arg(long, value_name = "NAME")]
    pub(crate) stdin_filename: Option<PathBuf>,
    /// Only lint files that differ from this git revision (and untracked ones).
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Report only findings that are not in this baseline.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub(crate) write_baseline: Option<PathBuf>,
    /// Neither read nor write the result cache.
    #[arg(long)]
    no_cache: bool,
    /// Parse every file and every function body, even those no enabled rule
    /// could match.
    #[arg(long)]
    no_prefilter: bool,
    /// Keep the result cache here (default: .scope-lint-cache/ at the project root).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Seconds one file's analysis may take before it is reported as
    /// `too-complex` (default: 10, or `time-budget` in the configuration).
    #[arg(long, value_name = "SECS", value_parser = parse_time_budget)]
    time_budget: Option<std::time::Duration>,
    /// Print files seen, skipped by the prefilter, parsed, cache hits and
    /// time per phase (to stderr).
    #[arg(long)]
    timings: bool,
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
    /// cargo's JSON messages with rustc diagnostics (rust-analyzer's
    /// `check.overrideCommand`).
    #[value(name = "rustc-json", alias = "cargo")]
    RustcJson,
    /// Code Climate JSON, for GitLab's merge-request code-quality widget.
    Gitlab,
    /// JUnit XML: a test case per finding (failed) and per clean file.
    Junit,
}

#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Parse the process arguments and run; the exit code.
pub fn main() -> ExitCode {
    main_from(std::env::args_os())
}

/// Run with explicit arguments (the first is the program name). `cargo
/// scope-lint ...` passes `scope-lint` as the second: it is dropped.
pub fn main_from(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "scope-lint") {
        args.remove(1);
    }
    let cli = Cli::parse_from(args);
    let result = match cli.command {
        Some(command) => run_command(command),
        None => check(cli.check),
    };
    exit_code(result)
}

pub(crate) fn run_command(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
        Command::Clean { cache_dir } => clean(cache_dir),
        Command::Models { path, config } => models(&path, config),
        Command::Config { path, config } => show_config(&path, config),
        Command::Server => Ok(crate::server::run_stdio()),
        Command::Check(args) => check(*args),
    }
}

/// The exit code of a command; its error, if any, printed.
pub(crate) fn exit_code(result: Result<ExitCode, String>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "scope-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse_time_budget(s: &str) -> Result<std::time::Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(crate::config::parse_time_budget)
        .ok_or_else(|| "expected a number of seconds above 0, such as 10 or 0.5".to_string())
}

fn models(path: &Path, config: Option<PathBuf>) -> Result<ExitCode, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    let file = match config {
        Some(c) => Some(c),
        None => crate::config::Discovery::default()
            .config_file_for(path)
            .map_err(|e| e.to_string())?,
    };
    let dirs = match &file {
        Some(f) => crate::config::Config::load(f)
            .map_err(|e| e.to_string())?
            .model_dirs(),
        None => Vec::new(),
    };
    let text = crate::models::describe::describe(path, &dirs).map_err(|e| e.to_string())?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn lookup(key: &str) -> Result<&'static dyn Rule, String> {
    run::rules_named(&[key.to_string()]).map(|r| r[0])
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

pub(crate) fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let stdin = match &args.stdin_filename {
        Some(name) => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            Some((name.clone(), text))
        }
        None => None,
    };
    let writes_baseline = args.write_baseline.is_some();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let options = run::Options {
        paths,
        select: args.select,
        ignore: args.ignore,
        threads: args.threads,
        config: args.config,
        isolated: args.isolated,
        force_exclude: args.force_exclude,
        fix: args.fix,
        unsafe_fixes: args.unsafe_fixes,
        diff: args.diff,
        stdin,
        changed_since: args.changed_since,
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        no_cache: args.no_cache,
        no_prefilter: args.no_prefilter,
        cache_dir: args.cache_dir,
        progress: crate::progress::wanted(),
        time_budget: args.time_budget,
    };
    let outcome = run::run(&options)?;
    let report = Report {
        results: &outcome.results,
        elapsed: started.elapsed(),
    };
    let to_file = args.output_file.is_some();
    let mut out: Box<dyn Write> = match &args.output_file {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| format!("{}: cannot create the report file: {e}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let human = args.format == Format::Human;
    let mut fixes_listed = false;
    let written = (|| -> std::io::Result<()> {
        if let Some(text) = &outcome.fixed_stdin {
            // Editors read the fixed source from stdout; findings go to stderr.
            out.write_all(text.as_bytes())?;
            let mut err = std::io::stderr().lock();
            return report::short::write(&report, &mut err);
        }
        if args.diff {
            out.write_all(outcome.diff.as_bytes())?;
            if !args.quiet {
                let mut err = std::io::stderr().lock();
                writeln!(err, "Would fix {} problems", outcome.fixed)?;
            }
            return Ok(());
        }
        if args.statistics && args.format == Format::Json {
            report::write_statistics_json(&report, &mut out)?;
        } else if args.statistics {
            report::write_statistics(&report, &mut out)?;
        } else {
            match args.format {
                Format::Human => {
                    let color = !to_file && use_color(args.color);
                    report::human::write(&report, color, true, &mut out)?
                }
                Format::Json => report::json::write(&report, &mut out)?,
                Format::Sarif => report::sarif::write(&report, &mut out)?,
                Format::Github => report::github::write(&report, &mut out)?,
                Format::Short => report::short::write(&report, &mut out)?,
                Format::RustcJson => report::rustc_json::write(&report, &mut out)?,
                Format::Gitlab => report::gitlab::write(&report, &mut out)?,
                Format::Junit => report::junit::write(&report, &mut out)?,
            }
        }
        if !args.quiet && (human || args.statistics && args.format != Format::Json) {
            if outcome.fixed > 0 {
                report::write_fixes(outcome.fixed, &outcome.applied_fixes, &mut out)?;
                fixes_listed = true;
            }
            writeln!(out, "{}", report.summary())?;
        }
        out.flush()
    })();
    drop(out);
    if args.show_fixes && !fixes_listed && outcome.fixed > 0 {
        let mut err = std::io::stderr().lock();
        let _ = report::write_fixes(outcome.fixed, &outcome.applied_fixes, &mut err);
    }
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write the report: {e}"));
        }
    }
    for e in &outcome.errors {
        let _ = writeln!(std::io::stderr(), "scope-lint: error: {e}");
    }
    for w in &outcome.warnings {
        let _ = writeln!(std::io::stderr(), "scope-lint: warning: {w}");
    }
    if args.timings {
        let t = &outcome.timings;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let _ = writeln!(
            std::io::stderr(),
            "files seen: {}\nskipped by prefilter: {}\nparsed: {}\nfunction bodies: {} ({} not parsed: nothing a rule follows)\ncache hits: {}\nwalk: {:.1} ms{}\nindex: {:.1} ms ({} files summarized)\nlinters: {:.1} ms (crate versions of {} packages read, {} remembered)\nlint (wall): {:.1} ms\n  read (cpu): {:.1} ms\n  parse (cpu): {:.1} ms\n  scope+rules (cpu): {:.1} ms\ntotal: {:.1} ms",
            t.files_seen,
            t.skipped_by_prefilter,
            t.parsed,
            t.bodies,
            t.blanked,
            t.cache_hits,
            ms(t.walk),
            if t.walk_remembered {
                " (remembered)"
            } else {
                ""
            },
            ms(t.index),
            t.indexed,
            ms(t.linters),
            t.versions_read,
            t.versions_recalled,
            ms(t.lint_wall),
            ms(t.read),
            ms(t.parse),
            ms(t.rules),
            ms(started.elapsed()),
        );
    }
    let no_files = outcome.files_found == 0 && options.stdin.is_none();
    if no_files {
        let shown: Vec<String> = options
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let _ = writeln!(
            std::io::stderr(),
            "scope-lint: warning: no Rust files found in {}; check the paths{}",
            shown.join(", "),
            if args.allow_no_files {
                ""
            } else {
                " (--allow-no-files makes this exit 0)"
            }
        );
    }
    let counts = report.counts();
    let failed = counts.incomplete > 0 || !outcome.errors.is_empty();
    Ok(if failed || no_files && !args.allow_no_files {
        ExitCode::from(2)
    } else if args.exit_zero || writes_baseline {
        // Recording a baseline is the job done, whatever it recorded.
        ExitCode::SUCCESS
    } else if args.diff {
        ExitCode::from(u8::from(!outcome.diff.is_empty()))
    } else if counts.problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn show_config(path: &std::path::Path, file: Option<PathBuf>) -> Result<ExitCode, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    // Discovery starts from a file's directory: name one inside a directory.
    let probe = if path.is_dir() {
        path.join("_.rs")
    } else {
        path.to_path_buf()
    };
    let file = match file {
        Some(f) => Some(f),
        None => crate::config::Discovery::default()
            .config_file_for(&probe)
            .map_err(|e| e.to_string())?,
    };
    let config = match &file {
        Some(f) => crate::config::Config::load(f).map_err(|e| e.to_string())?,
        None => crate::config::Config::defaults(path),
    };
    println!("configuration for {}", path.display());
    print!("{}", config.describe());
    Ok(ExitCode::SUCCESS)
}

fn clean(dir: Option<PathBuf>) -> Result<ExitCode, String> {
    let dir = dir.unwrap_or_else(crate::cache::default_dir);
    if dir.join("CACHEDIR.TAG").is_file() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("{}: cannot remove: {e}", dir.display()))?;
        println!("Removed {}", dir.display());
    } else if dir.exists() {
        return Err(format!(
            "{}: not a scope-lint cache (no CACHEDIR.TAG); not removed",
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn list_rules() -> Result<ExitCode, String> {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<6}  {:<24}  {:<11}  {:<7}  {:<7}  {:<7}  {}\n",
        "code", "name", "group", "default", "level", "fixable", "summary"
    ));
    for rule in rules::ALL {
        let m = rule.meta();
        out.push_str(&format!(
            "{:<6}  {:<24}  {:<11}  {:<7}  {:<7}  {:<7}  {}\n",
            m.code,
            m.name,
            m.group.name(),
            if m.group.on_by_default() { "on" } else { "off" },
            m.level.as_str(),
            if m.fixable { "yes" } else { "no" },
            m.summary
        ));
    }
    out.push_str(
        "\nGroups: correctness, suspicious and security are on by default; pedantic is opt-in\n(`--select pedantic`, or `extend-select = [\"pedantic\"]` in the configuration).\n",
    );
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn explain(key: &str) -> Result<ExitCode, String> {
    if let Some(d) = crate::engine_codes::lookup(key) {
        println!("# {}\n", d.code.code);
        println!(
            "Reported by scope-lint itself, not by a rule: {}.\nLevel: error. Not fixable.\n",
            d.summary
        );
        print!("{}", d.docs);
        return Ok(ExitCode::SUCCESS);
    }
    let rule = lookup(key)?;
    let m = rule.meta();
    println!("# {} ({})\n", m.code, m.name);
    println!(
        "Group: {}, {}.\nDefault level: {}. Fixable: {}.\n",
        m.group.name(),
        m.group.why(),
        m.level,
        if m.fixable { "yes" } else { "no" }
    );
    print!("{}", m.docs());
    Ok(ExitCode::SUCCESS)
}

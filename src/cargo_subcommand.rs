//! `cargo scope-lint`: the linter as a cargo subcommand, with cargo's way
//! of choosing what to check (`-p/--package`, `--workspace`, `--exclude`,
//! `--manifest-path`, `--all-targets`) instead of paths. Members and
//! targets come from `cargo metadata` ([`crate::workspace`]); the run then
//! happens from the workspace root, so every report, baseline and the one
//! cache use paths relative to it, whatever directory cargo was run from.

use crate::cli::{self, CheckArgs};
use crate::workspace::{self, Selection};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "cargo scope-lint",
    bin_name = "cargo scope-lint",
    version,
    about = "Lint the packages of a Cargo workspace for request-scope misuse: URLs, URIs, query strings, headers",
    args_conflicts_with_subcommands = true
)]
struct CargoCli {
    #[command(subcommand)]
    command: Option<CargoCommand>,
    #[command(flatten)]
    check: CargoCheckArgs,
}

#[derive(Subcommand, Debug)]
enum CargoCommand {
    /// Lint packages (the default command).
    Check(Box<CargoCheckArgs>),
    /// List every rule: code, name, default level, fixable, summary.
    Rules,
    /// Print a rule's documentation (or that of parse-error, io-error,
    /// internal-error).
    Explain {
        /// A rule code (SL002) or name (manual-query-parsing), or an engine
        /// code (parse-error).
        rule: String,
    },
    /// Remove the result cache at the workspace root.
    Clean {
        /// The cache directory (default: .scope-lint-cache/ at the workspace root).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Default)]
struct CargoCheckArgs {
    #[command(flatten)]
    packages: PackageArgs,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Args, Debug, Default)]
#[command(next_help_heading = "Package selection")]
struct PackageArgs {
    /// Lint only these packages (repeatable).
    #[arg(long = "package", short = 'p', value_name = "SPEC")]
    package: Vec<String>,
    /// Lint every member of the workspace.
    #[arg(long, alias = "all")]
    workspace: bool,
    /// With --workspace, leave these packages out.
    #[arg(long, value_name = "SPEC", requires = "workspace")]
    exclude: Vec<String>,
    /// Also lint tests, benches and examples.
    #[arg(long)]
    all_targets: bool,
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
}

/// Run `cargo scope-lint` (cargo passes `scope-lint` as the first
/// argument; it is dropped).
pub fn main_from(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "scope-lint") {
        args.remove(1);
    }
    let cli = CargoCli::parse_from(args);
    let result = match cli.command {
        Some(CargoCommand::Rules) => cli::run_command(cli::Command::Rules),
        Some(CargoCommand::Explain { rule }) => cli::run_command(cli::Command::Explain { rule }),
        Some(CargoCommand::Clean { cache_dir }) => locate(None).and_then(|(cwd, root, _)| {
            let cache_dir = cache_dir.map(|d| workspace::rebase(&d, &cwd, &root));
            enter(&root)?;
            cli::run_command(cli::Command::Clean { cache_dir })
        }),
        Some(CargoCommand::Check(args)) => check(*args),
        None => check(cli.check),
    };
    cli::exit_code(result)
}

/// The current directory, the workspace root (canonical) of the workspace
/// around it or `manifest_path`, and the workspace's metadata.
fn locate(manifest_path: Option<&Path>) -> Result<(PathBuf, PathBuf, workspace::Metadata), String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let meta = workspace::metadata(manifest_path)?;
    let root =
        std::fs::canonicalize(&meta.workspace_root).unwrap_or_else(|_| meta.workspace_root.clone());
    Ok((cwd, root, meta))
}

fn enter(root: &Path) -> Result<(), String> {
    std::env::set_current_dir(root)
        .map_err(|e| format!("{}: cannot enter the workspace root: {e}", root.display()))
}

fn check(args: CargoCheckArgs) -> Result<ExitCode, String> {
    let CargoCheckArgs {
        packages,
        mut check,
    } = args;
    let (cwd, root, meta) = locate(packages.manifest_path.as_deref())?;
    let rebase = |p: &Path| workspace::rebase(p, &cwd, &root);
    let choosing = !packages.package.is_empty() || packages.workspace || packages.all_targets;
    if check.paths.is_empty() {
        let selection = Selection {
            packages: packages.package,
            workspace: packages.workspace,
            exclude: packages.exclude,
            all_targets: packages.all_targets,
        };
        let start = match &packages.manifest_path {
            Some(m) => Some(cwd.join(m)),
            None => workspace::nearest_manifest(&cwd),
        };
        let chosen = meta.select(&selection, start.as_deref())?;
        check.paths = workspace::paths_to_lint(&chosen, selection.all_targets)
            .iter()
            .map(|p| workspace::rebase(p, &meta.workspace_root, &meta.workspace_root))
            .collect();
    } else if choosing {
        return Err(
            "give either paths or a package selection (-p, --workspace, --all-targets), not both"
                .into(),
        );
    } else {
        check.paths = check.paths.iter().map(|p| rebase(p)).collect();
    }
    for path in [
        &mut check.config,
        &mut check.stdin_filename,
        &mut check.baseline,
        &mut check.write_baseline,
        &mut check.cache_dir,
        &mut check.output_file,
    ]
    .into_iter()
    .flatten()
    {
        *path = rebase(path);
    }
    enter(&root)?;
    cli::check(check)
}

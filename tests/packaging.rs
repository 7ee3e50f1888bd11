//! The install paths stay consistent: the pre-commit hook package pins the
//! wheel of this crate's version, the wheel is maturin's `bin` bindings of
//! this crate, the hook manifest installs that wheel (`language: python`),
//! and the published crate ships the framework models. The wheel build and
//! the hook run themselves are exercised by `scripts/wheel-smoke.sh`.

use std::path::Path;

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

fn toml(relative: &str) -> toml::Table {
    read(relative).parse().unwrap()
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[test]
fn the_hook_package_pins_the_wheel_of_this_version() {
    let shim = toml("pyproject.toml");
    let project = shim["project"].as_table().unwrap();
    assert_eq!(project["version"].as_str(), Some(VERSION));
    let deps: Vec<&str> = project["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(deps, [format!("scope-lint=={VERSION}")]);
}

#[test]
fn the_wheel_is_the_binary_of_this_crate() {
    let wheel = toml("wheel/pyproject.toml");
    assert_eq!(wheel["project"]["name"].as_str(), Some("scope-lint"));
    let maturin = wheel["tool"]["maturin"].as_table().unwrap();
    assert_eq!(maturin["bindings"].as_str(), Some("bin"));
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("wheel")
        .join(maturin["manifest-path"].as_str().unwrap());
    assert_eq!(
        manifest.canonicalize().unwrap(),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("Cargo.toml")
            .canonicalize()
            .unwrap()
    );
}

#[test]
fn the_default_hook_installs_the_wheel_and_the_rust_one_is_renamed() {
    let hooks = read(".pre-commit-hooks.yaml");
    let hook = |id: &str| -> String {
        let start = hooks
            .find(&format!("\n- id: {id}\n"))
            .unwrap_or_else(|| panic!("hook {id}"));
        let rest = &hooks[start + 3..];
        rest[..rest.find("\n- id:").unwrap_or(rest.len())].to_string()
    };
    assert!(hook("scope-lint").contains("language: python"));
    assert!(hook("scope-lint").contains("entry: scope-lint --force-exclude"));
    assert!(hook("scope-lint-rust").contains("language: rust"));
}

#[test]
fn the_published_crate_ships_the_models() {
    let manifest = toml("Cargo.toml");
    let include: Vec<&str> = manifest["package"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(include.contains(&"/rules/*.toml"), "{include:?}");
    assert!(include.contains(&"/src/**/*.rs"), "{include:?}");
}

#[test]
fn the_readme_installs_with_locked_and_pins_no_missing_tag() {
    let readme = read("README.md");
    for line in readme.lines().filter(|l| l.contains("cargo install")) {
        assert!(line.contains("--locked"), "{line}");
    }
    assert!(readme.contains("pip install scope-lint"));
    // No release is tagged yet: the README must not pin one.
    assert!(!readme.contains("rev: v0."), "a rev: that names a tag");
}

//! Bounds on what a model file may hold. Models name types, members and
//! signatures: short strings. A hostile or generated one (a 300 KB type
//! path) made loading take minutes and gigabytes, since every module
//! prefix of a path is recorded; a string over [`MAX_STRING`] bytes is
//! refused with its key instead, before anything is built from it.

/// The longest string a model may hold (the builtin models' longest is
/// under 200 bytes).
pub const MAX_STRING: usize = 4096;

/// The largest model file read.
pub const MAX_FILE: u64 = 1024 * 1024;

/// Check every string of a parsed model file; the error names the key.
pub fn check(table: &toml::Table) -> Result<(), String> {
    let mut at = Vec::new();
    for (k, v) in table {
        at.push(k.clone());
        check_value(v, &mut at)?;
        at.pop();
    }
    Ok(())
}

fn check_value(value: &toml::Value, at: &mut Vec<String>) -> Result<(), String> {
    match value {
        toml::Value::String(s) if s.len() > MAX_STRING => Err(format!(
            "`{}` is {} bytes long, over the {MAX_STRING}-byte limit for model strings; shorten it",
            at.join("."),
            s.len()
        )),
        toml::Value::Array(items) => items.iter().try_for_each(|v| check_value(v, at)),
        toml::Value::Table(t) => t.iter().try_for_each(|(k, v)| {
            at.push(k.clone());
            let r = check_value(v, at);
            at.pop();
            r
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_type_path_is_refused_with_its_key() {
        let long = "a::".repeat(100_000) + "Y";
        let text = format!("[[type]]\npath = \"x::Y\"\nmethods.get = \"{long}\"\n");
        let table: toml::Table = toml::from_str(&text).unwrap();
        let e = check(&table).unwrap_err();
        assert!(
            e.starts_with("`type.methods.get` is 300001 bytes long"),
            "{e}"
        );
        let ok: toml::Table = toml::from_str("[[type]]\npath = \"x::Y\"\n").unwrap();
        assert!(check(&ok).is_ok());
    }
}

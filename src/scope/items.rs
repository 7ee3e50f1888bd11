//! Item-level facts: what `use` declarations and local declarations put in a
//! module's or block's namespace, and the file-wide facts gathered once.

use super::{FileFacts, Frame, Item};
use foldhash::HashMap;

/// Record one item of a module or block in its frame.
pub(super) fn declare(frame: &mut Frame, item: &syn::Item, externs: &HashMap<String, String>) {
    let local = |frame: &mut Frame, ident: &syn::Ident| {
        frame.items.insert(ident.to_string(), Item::Local);
    };
    // A value shadows nothing a longer path starts with: an import or
    // type of the same name stays.
    let value = |frame: &mut Frame, ident: &syn::Ident| {
        frame
            .items
            .entry(ident.to_string())
            .or_insert(Item::LocalValue);
    };
    match item {
        syn::Item::Use(u) => use_tree(frame, String::new(), &u.tree, externs),
        syn::Item::Struct(i) => local(frame, &i.ident),
        syn::Item::Enum(i) => local(frame, &i.ident),
        syn::Item::Union(i) => local(frame, &i.ident),
        syn::Item::Type(i) => local(frame, &i.ident),
        syn::Item::Trait(i) => local(frame, &i.ident),
        syn::Item::TraitAlias(i) => local(frame, &i.ident),
        syn::Item::Fn(i) => value(frame, &i.sig.ident),
        syn::Item::Mod(i) => local(frame, &i.ident),
        syn::Item::Const(i) => value(frame, &i.ident),
        syn::Item::Static(i) => value(frame, &i.ident),
        syn::Item::Macro(m) => {
            if let Some(ident) = &m.ident {
                local(frame, ident);
            }
        }
        syn::Item::ExternCrate(e) => {
            let name = e.rename.as_ref().map_or(&e.ident, |(_, r)| r).to_string();
            if name != "_" {
                frame.items.insert(name, Item::Import(e.ident.to_string()));
            }
        }
        _ => {}
    }
}

fn use_tree(
    frame: &mut Frame,
    prefix: String,
    tree: &syn::UseTree,
    externs: &HashMap<String, String>,
) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}::{name}")
        }
    };
    match tree {
        syn::UseTree::Path(p) => use_tree(frame, join(&p.ident.to_string()), &p.tree, externs),
        syn::UseTree::Name(n) => {
            let ident = n.ident.to_string();
            let (name, full) = if ident == "self" {
                (last_segment(&prefix).to_string(), prefix.clone())
            } else {
                (ident.clone(), join(&ident))
            };
            frame.items.insert(name, import_of(&full, externs));
        }
        syn::UseTree::Rename(r) => {
            let ident = r.ident.to_string();
            let full = if ident == "self" {
                prefix.clone()
            } else {
                join(&ident)
            };
            let name = r.rename.to_string();
            if name != "_" {
                frame.items.insert(name, import_of(&full, externs));
            }
        }
        syn::UseTree::Glob(_) => {
            if !is_local_path(&prefix) {
                frame.globs.push(with_extern_alias(&prefix, externs));
            }
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_tree(frame, prefix.clone(), t, externs);
            }
        }
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn is_local_path(path: &str) -> bool {
    let first = path.split("::").next().unwrap_or("");
    matches!(first, "crate" | "self" | "super")
}

fn with_extern_alias(path: &str, externs: &HashMap<String, String>) -> String {
    let (first, rest) = path.split_once("::").unwrap_or((path, ""));
    match externs.get(first) {
        Some(real) if rest.is_empty() => real.clone(),
        Some(real) => format!("{real}::{rest}"),
        None => path.to_string(),
    }
}

/// A `use` of a path: `crate::`/`self::`/`super::` paths are kept as
/// written for the crate index to resolve.
fn import_of(full: &str, externs: &HashMap<String, String>) -> Item {
    if is_local_path(full) {
        Item::Import(full.to_string())
    } else {
        Item::Import(with_extern_alias(full, externs))
    }
}

/// Facts gathered from the whole file before the walk.
pub(super) fn file_facts(file: &syn::File) -> FileFacts {
    let mut facts = FileFacts::default();
    for item in &file.items {
        if let syn::Item::ExternCrate(e) = item {
            if e.attrs.iter().any(|a| a.path().is_ident("macro_use")) {
                facts.macro_use.push(e.ident.to_string());
            }
            if let Some((_, rename)) = &e.rename {
                facts
                    .extern_aliases
                    .insert(rename.to_string(), e.ident.to_string());
            }
        }
    }
    collect_trait_methods(&mut file.items.iter(), &mut facts);
    super::route_attrs::collect(&file.items, &mut facts.route_attrs);
    for item in &file.items {
        let (ident, expr) = match item {
            syn::Item::Const(c) => (&c.ident, &*c.expr),
            syn::Item::Static(s) => (&s.ident, &*s.expr),
            _ => continue,
        };
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = expr
        {
            facts.const_lits.insert(ident.to_string(), s.value());
        }
    }
    facts
}

/// `impl Service<Uri> for X` (tower's and hyper's connector shape).
fn is_uri_service(i: &syn::ItemImpl) -> bool {
    let Some((_, path, _)) = &i.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    if last.ident != "Service" {
        return false;
    }
    crate::models::generic_args(path).next().is_some_and(|t| {
        matches!(t, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Uri"))
    })
}

fn collect_trait_methods(items: &mut dyn Iterator<Item = &syn::Item>, facts: &mut FileFacts) {
    for item in items {
        match item {
            syn::Item::Trait(t) => {
                for ti in &t.items {
                    if let syn::TraitItem::Fn(f) = ti {
                        facts.local_methods.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Impl(i) if i.trait_.is_some() => {
                if is_uri_service(i) {
                    if let syn::Type::Path(p) = &*i.self_ty {
                        if let Some(last) = p.path.segments.last() {
                            facts.connectors.insert(last.ident.to_string());
                        }
                    }
                }
                for ii in &i.items {
                    if let syn::ImplItem::Fn(f) = ii {
                        facts.local_methods.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_trait_methods(&mut items.iter(), facts);
                }
            }
            syn::Item::Fn(f) => {
                let mut nested = f.block.stmts.iter().filter_map(|s| match s {
                    syn::Stmt::Item(i) => Some(i),
                    _ => None,
                });
                collect_trait_methods(&mut nested, facts);
            }
            _ => {}
        }
    }
}

//! Binding patterns to values: `let`, parameters, `if let`, `match` arms.
//! A pattern the analysis does not understand still declares its names, as
//! unknown, so a shadowed binding never keeps a stale type.

use super::{Scope, Value};
use crate::models::ty::Ty;
use syn::visit::Visit;

impl Scope<'_> {
    /// Declare every name `pat` binds, with what is known of `value`.
    pub fn bind_pat(&mut self, pat: &syn::Pat, value: Value) {
        match pat {
            syn::Pat::Ident(pi) => {
                if let Some((_, sub)) = &pi.subpat {
                    self.bind_pat(sub, value.clone());
                }
                self.bind(pi.ident.to_string(), value);
            }
            syn::Pat::Type(pt) => {
                let ty = self.resolve_type(&pt.ty);
                let value = if ty.is_unknown() {
                    Value::UNKNOWN
                } else {
                    Value {
                        lit: value.lit,
                        ..self.typed(ty, value.roles)
                    }
                };
                self.bind_pat(&pt.pat, value);
            }
            syn::Pat::Reference(r) => {
                let ty = match &value.ty {
                    Ty::Ref(inner) => (**inner).clone(),
                    _ => Ty::Unknown,
                };
                self.bind_pat(&r.pat, value.with_ty(ty));
            }
            syn::Pat::Paren(p) => self.bind_pat(&p.pat, value),
            syn::Pat::TupleStruct(ts) => {
                let last = ts.path.segments.last().map(|s| s.ident.to_string());
                let is_wrapper = matches!(value.ty.path(), Some("Option" | "Result"));
                for (i, elem) in ts.elems.iter().enumerate() {
                    let v = match last.as_deref() {
                        Some("Some" | "Ok") if is_wrapper && i == 0 => {
                            value.clone().with_ty(value.ty.unwrapped())
                        }
                        _ => self.field_value(&value, &i.to_string()),
                    };
                    self.bind_pat(elem, v);
                }
            }
            syn::Pat::Tuple(t) => {
                let items = match value.ty.strip_refs() {
                    Ty::Tuple(items) if items.len() == t.elems.len() => items.clone(),
                    _ => Vec::new(),
                };
                for (i, elem) in t.elems.iter().enumerate() {
                    let ty = items.get(i).cloned().unwrap_or_default();
                    let v = if ty.is_unknown() {
                        Value::UNKNOWN
                    } else {
                        self.typed(ty, value.roles)
                    };
                    self.bind_pat(elem, v);
                }
            }
            syn::Pat::Struct(ps) => {
                for f in &ps.fields {
                    let name = match &f.member {
                        syn::Member::Named(id) => id.to_string(),
                        syn::Member::Unnamed(idx) => idx.index.to_string(),
                    };
                    let v = self.field_value(&value, &name);
                    self.bind_pat(&f.pat, v);
                }
            }
            other => self.bind_unknown(other),
        }
    }

    /// Declare every name in `pat` as unknown.
    pub fn bind_unknown(&mut self, pat: &syn::Pat) {
        struct Names(Vec<String>);
        impl<'ast> Visit<'ast> for Names {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.push(p.ident.to_string());
                syn::visit::visit_pat_ident(self, p);
            }
        }
        let mut names = Names(Vec::new());
        names.visit_pat(pat);
        for n in names.0 {
            self.bind(n, Value::UNKNOWN);
        }
    }
}

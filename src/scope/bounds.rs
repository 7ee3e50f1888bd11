//! Values typed by the crate's own traits.
//!
//! A trait's methods are in the crate index under the trait's path
//! ([`crate::index::Index::is_trait`]), so a value whose type is the trait
//! has their signatures. This module gives that type to what the code
//! spells as a trait: a parameter whose type is a generic parameter bounded
//! by a crate trait (`fn h<C: Config>(c: &C)`, `where C: Config`, an
//! impl's `impl<C: Config> Client<C>`), `impl Config` and `dyn Config`
//! (also inside `Box`/`Arc`, whose models deref to it), and `self` in the
//! trait's own default methods. A bound on a framework or std trait gives
//! nothing: those values stay unknown.

use super::Scope;
use crate::models::ty::Ty;

impl Scope<'_> {
    /// Enter a trait's declaration: in its default methods, `self` is a
    /// value of the trait (left with [`Scope::exit_impl`]).
    pub fn enter_trait(&mut self, t: &syn::ItemTrait) {
        let own = self
            .resolve_segments(&[t.ident.to_string()], false)
            .filter(|p| self.index.as_ref().is_some_and(|(ix, _)| ix.is_trait(p)));
        let ty = own.map_or(Ty::Unknown, |p| {
            Ty::generic(&p, vec![Ty::Unknown; t.generics.type_params().count()])
        });
        let bounded = self.bounded_generics(&t.generics);
        self.impls.push(super::ImplContext {
            local_name: None,
            ty,
            handler_trait: false,
            connector: false,
            bounded,
        });
    }

    /// The first of `bounds` that is a trait of the user's crate, as a
    /// type: a value of `impl Config`, `dyn Config + Send` or a `C:
    /// Config` has the trait's methods ([`crate::index::Index::is_trait`]).
    /// A framework trait (`B: HttpBody`) or an unknown one gives nothing.
    pub(super) fn crate_trait<'t>(
        &self,
        bounds: impl IntoIterator<Item = &'t syn::TypeParamBound>,
    ) -> Option<Ty> {
        let (ix, _) = self.index.as_ref()?;
        bounds.into_iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(tb) => self
                .resolve_path(&tb.path)
                .filter(|p| ix.is_trait(p))
                .map(|p| {
                    let args = crate::models::generic_args(&tb.path)
                        .map(|a| self.resolve_type(a))
                        .collect();
                    Ty::generic(&p, args)
                }),
            _ => None,
        })
    }

    /// A function's or impl's type parameters bounded by a crate trait,
    /// inline (`<C: Config>`) or in its `where` clause, each with that
    /// trait.
    pub(super) fn bounded_generics(&self, generics: &syn::Generics) -> Vec<(String, Ty)> {
        if self.index.is_none() {
            return Vec::new();
        }
        let mut out: Vec<(String, Ty)> = generics
            .type_params()
            .filter_map(|p| Some((p.ident.to_string(), self.crate_trait(&p.bounds)?)))
            .collect();
        let predicates = generics.where_clause.iter().flat_map(|w| &w.predicates);
        for pred in predicates {
            let syn::WherePredicate::Type(pt) = pred else {
                continue;
            };
            let syn::Type::Path(p) = &pt.bounded_ty else {
                continue;
            };
            let Some(name) = p.path.get_ident().map(|i| i.to_string()) else {
                continue;
            };
            let declared = generics.type_params().any(|tp| tp.ident == name);
            if declared && !out.iter().any(|(n, _)| *n == name) {
                if let Some(ty) = self.crate_trait(&pt.bounds) {
                    out.push((name, ty));
                }
            }
        }
        out
    }
}

/// `ty` with each type parameter of `bounded` (resolved as a bare name,
/// `C`) replaced by its crate trait: `&C` with `C: Config` is `&Config`.
pub(super) fn with_bounds(ty: Ty, bounded: &[(String, Ty)]) -> Ty {
    if bounded.is_empty() {
        return ty;
    }
    match ty {
        Ty::Path { path, args } if args.is_empty() => bounded
            .iter()
            .find(|(n, _)| **n == *path)
            .map(|(_, t)| t.clone())
            .unwrap_or(Ty::Path { path, args }),
        Ty::Path { path, args } => Ty::Path {
            path,
            args: args.into_iter().map(|a| with_bounds(a, bounded)).collect(),
        },
        Ty::Ref(inner) => Ty::Ref(Box::new(with_bounds(*inner, bounded))),
        Ty::Tuple(items) => Ty::Tuple(items.into_iter().map(|t| with_bounds(t, bounded)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_parameter_is_replaced_wherever_the_type_names_it() {
        let config = Ty::named("app#lib::config::Config");
        let bounded = vec![("C".to_string(), config.clone())];
        let c = Ty::named("C");
        assert_eq!(
            with_bounds(Ty::reference(c.clone()), &bounded),
            Ty::reference(config.clone())
        );
        let arc = Ty::generic("std::sync::Arc", vec![c.clone()]);
        assert_eq!(
            with_bounds(arc, &bounded),
            Ty::generic("std::sync::Arc", vec![config.clone()])
        );
        // Another parameter, or a path that only ends like one, is left.
        let other = Ty::Tuple(vec![Ty::named("D"), Ty::named("x::C")]);
        assert_eq!(with_bounds(other.clone(), &bounded), other);
    }
}

//! `Ty`: the little type language the scope analysis infers and the models
//! speak. Paths are canonical (`http::Uri`, not `axum::http::Uri`); the std
//! prelude types keep their bare names (`Option`, `String`, `str`).

use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Ty {
    /// Nothing proven. Rules never fire on an unknown type.
    #[default]
    Unknown,
    /// A named type with its generic arguments.
    Path { path: Arc<str>, args: Vec<Ty> },
    /// `&T` or `&mut T`.
    Ref(Box<Ty>),
    /// `(A, B)`; `()` is the empty tuple.
    Tuple(Vec<Ty>),
    /// Only in models: the receiver type's n-th generic parameter.
    Param(usize),
    /// Only in models: a generic parameter with a default, used when the
    /// receiver's type is written without it (`HeaderMap` is
    /// `HeaderMap<HeaderValue>`; `HeaderMap<QueryValue>` holds others).
    ParamOr(usize, Box<Ty>),
    /// Only in models: the type the member belongs to.
    SelfTy,
}

impl Ty {
    pub fn named(path: &str) -> Ty {
        Ty::Path {
            path: path.into(),
            args: Vec::new(),
        }
    }

    pub fn generic(path: &str, args: Vec<Ty>) -> Ty {
        Ty::Path {
            path: path.into(),
            args,
        }
    }

    pub fn reference(inner: Ty) -> Ty {
        match inner {
            Ty::Unknown => Ty::Unknown,
            t => Ty::Ref(Box::new(t)),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Ty::Unknown)
    }

    /// The type behind any number of references (auto-deref for members).
    pub fn strip_refs(&self) -> &Ty {
        let mut t = self;
        while let Ty::Ref(inner) = t {
            t = inner;
        }
        t
    }

    /// The canonical path of the type behind references, if it is named.
    pub fn path(&self) -> Option<&str> {
        match self.strip_refs() {
            Ty::Path { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn args(&self) -> &[Ty] {
        match self.strip_refs() {
            Ty::Path { args, .. } => args,
            _ => &[],
        }
    }

    /// A primitive number, behind any references (`u32`, `&i64`, `f64`).
    pub fn is_number(&self) -> bool {
        const NUMBERS: &[&str] = &[
            "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
            "f32", "f64",
        ];
        self.path().is_some_and(|p| NUMBERS.contains(&p))
    }

    pub fn is(&self, path: &str) -> bool {
        self.path() == Some(path)
    }

    /// `T` of `Option<T>` or `Result<T, E>`: what `?`, `unwrap` and
    /// `expect` give.
    pub fn unwrapped(&self) -> Ty {
        match self.path() {
            Some("Option" | "Result") => self.args().first().cloned().unwrap_or_default(),
            _ => Ty::Unknown,
        }
    }

    /// True for `str` and `String`, behind any references.
    pub fn is_string(&self) -> bool {
        matches!(self.path(), Some("str" | "String"))
    }

    /// Replace `Param` and `SelfTy` of a model type with the receiver's.
    pub fn instantiate(&self, self_ty: &Ty) -> Ty {
        match self {
            Ty::Param(i) => self_ty.args().get(*i).cloned().unwrap_or_default(),
            Ty::ParamOr(i, default) => self_ty
                .args()
                .get(*i)
                .cloned()
                .unwrap_or_else(|| (**default).clone()),
            Ty::SelfTy => self_ty.strip_refs().clone(),
            Ty::Path { path, args } => Ty::Path {
                path: path.clone(),
                args: args.iter().map(|a| a.instantiate(self_ty)).collect(),
            },
            Ty::Ref(inner) => Ty::reference(inner.instantiate(self_ty)),
            Ty::Tuple(items) => Ty::Tuple(items.iter().map(|a| a.instantiate(self_ty)).collect()),
            Ty::Unknown => Ty::Unknown,
        }
    }
}

/// The path slices and arrays of the user's signatures are given (`&[T]`,
/// `[T; 4]`): a `Vec<T>` argument coerces to one.
pub const SLICE: &str = "[]";

impl Ty {
    /// Match a generic signature type (`Param(i)` for its generic
    /// parameters) against the type of what is given for it, and record
    /// what each parameter is: `&[T]` given a `&Vec<Url>` binds `T` to
    /// `Url`. The first answer for a parameter stays; nothing is guessed
    /// where the shapes differ.
    pub fn bind(&self, actual: &Ty, out: &mut [Ty]) {
        match (self, actual) {
            (_, Ty::Unknown) => {}
            (Ty::Param(i) | Ty::ParamOr(i, _), t) => {
                if let Some(slot) = out.get_mut(*i).filter(|s| s.is_unknown()) {
                    *slot = t.clone();
                }
            }
            (Ty::Ref(p), Ty::Ref(a)) => p.bind(a, out),
            // Auto-ref and auto-deref at a call: `&T` given an owned value
            // (a method's `&self`), `T` given through a reference is
            // `Param` above.
            (Ty::Ref(p), a) => p.bind(a, out),
            (p, Ty::Ref(a)) => p.bind(a, out),
            (Ty::Tuple(ps), Ty::Tuple(xs)) if ps.len() == xs.len() => {
                ps.iter().zip(xs).for_each(|(p, x)| p.bind(x, out));
            }
            (Ty::Path { path: pp, args: pa }, Ty::Path { path: ap, args: aa }) => {
                let coerces = &**pp == SLICE && matches!(&**ap, "Vec" | SLICE);
                if pp == ap && pa.len() == aa.len() || coerces {
                    pa.iter().zip(aa).for_each(|(p, a)| p.bind(a, out));
                }
            }
            _ => {}
        }
    }

    /// Replace each `Param(i)` with `params[i]` (unknown when unbound) and
    /// `SelfTy` with `self_ty`.
    pub fn substitute(&self, params: &[Ty], self_ty: &Ty) -> Ty {
        match self {
            Ty::Param(i) => params.get(*i).cloned().unwrap_or_default(),
            Ty::ParamOr(i, default) => params
                .get(*i)
                .filter(|p| !p.is_unknown())
                .cloned()
                .unwrap_or_else(|| (**default).clone()),
            Ty::SelfTy => self_ty.strip_refs().clone(),
            Ty::Path { path, args } => Ty::Path {
                path: path.clone(),
                args: args.iter().map(|a| a.substitute(params, self_ty)).collect(),
            },
            Ty::Ref(inner) => Ty::reference(inner.substitute(params, self_ty)),
            Ty::Tuple(items) => Ty::Tuple(
                items
                    .iter()
                    .map(|a| a.substitute(params, self_ty))
                    .collect(),
            ),
            Ty::Unknown => Ty::Unknown,
        }
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::Unknown => f.write_str("_"),
            Ty::Path { path, args } => {
                f.write_str(path)?;
                if !args.is_empty() {
                    f.write_str("<")?;
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{a}")?;
                    }
                    f.write_str(">")?;
                }
                Ok(())
            }
            Ty::Ref(inner) => write!(f, "&{inner}"),
            Ty::Tuple(items) => {
                f.write_str("(")?;
                for (i, a) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Ty::Param(i) | Ty::ParamOr(i, _) => write!(f, "T{i}"),
            Ty::SelfTy => f.write_str("Self"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Ty {
        Ty::named("url::Url")
    }

    #[test]
    fn generic_parameters_bind_to_what_is_given() {
        // `fn first<T>(v: &[T]) -> T` given a `&Vec<Url>`.
        let mut bound = vec![Ty::Unknown];
        let slice = Ty::reference(Ty::generic(SLICE, vec![Ty::Param(0)]));
        slice.bind(&Ty::reference(Ty::generic("Vec", vec![url()])), &mut bound);
        assert_eq!(bound, [url()]);
        // The first answer stays; an unknown argument binds nothing.
        let mut bound = vec![Ty::Unknown, Ty::Unknown];
        Ty::Param(0).bind(&Ty::Unknown, &mut bound);
        Ty::Param(0).bind(&Ty::named("String"), &mut bound);
        Ty::Param(0).bind(&url(), &mut bound);
        assert_eq!(bound[0], Ty::named("String"));
        // Shapes that differ bind nothing: `Option<T>` given a `Vec<Url>`.
        let mut bound = vec![Ty::Unknown];
        Ty::generic("Option", vec![Ty::Param(0)])
            .bind(&Ty::generic("Vec", vec![url()]), &mut bound);
        assert_eq!(bound, [Ty::Unknown]);
        // `&self` of `Wrapper<T>` given an owned `Wrapper<Url>`.
        let mut bound = vec![Ty::Unknown];
        Ty::reference(Ty::generic("Wrapper", vec![Ty::Param(0)]))
            .bind(&Ty::generic("Wrapper", vec![url()]), &mut bound);
        assert_eq!(bound, [url()]);
    }

    #[test]
    fn substitution_leaves_unbound_parameters_unknown() {
        let ret = Ty::Tuple(vec![Ty::Param(0), Ty::reference(Ty::Param(1)), Ty::SelfTy]);
        let got = ret.substitute(&[url()], &Ty::reference(Ty::named("S")));
        assert_eq!(got, Ty::Tuple(vec![url(), Ty::Unknown, Ty::named("S")]));
    }
}

//! Route attributes of the file's functions (`#[get("/users/<id>")]`),
//! gathered before the walk.
//!
//! Rocket mounts handlers by name (`mount("/", routes![user, users])`):
//! only the attribute on each function says its method, path, rank and
//! format. Both route rules need them where the `routes!` list is met: the
//! path's syntax (SL012) and whether two handlers collide (SL013). The
//! functions of the file's top level and its inline modules are gathered,
//! by name; a name given twice is dropped (which one is mounted is not
//! known).

use foldhash::HashMap;

/// One `#[get("..")]`-style attribute.
#[derive(Debug, Clone)]
pub struct RouteAttr {
    /// `GET`, `POST`, ... (from the attribute's name).
    pub method: String,
    /// The route URI as written: path and query.
    pub uri: String,
    /// Where the URI literal is.
    pub span: proc_macro2::Span,
    /// `rank = N`.
    pub rank: Option<i64>,
    /// `format = ".."`.
    pub format: Option<String>,
    /// The function's parameter names.
    pub params: Vec<String>,
}

/// The attribute names of route methods, and their HTTP methods.
pub(crate) const METHODS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("delete", "DELETE"),
    ("patch", "PATCH"),
    ("head", "HEAD"),
    ("options", "OPTIONS"),
];

/// The route attributes of `items` and their inline modules, by function
/// name.
pub(super) fn collect(items: &[syn::Item], out: &mut HashMap<String, Option<RouteAttr>>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => {
                if let Some(attr) = f.attrs.iter().find_map(|a| route_attr(a, &f.sig)) {
                    out.entry(f.sig.ident.to_string())
                        .and_modify(|e| *e = None)
                        .or_insert(Some(attr));
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect(items, out);
                }
            }
            _ => {}
        }
    }
}

fn route_attr(attr: &syn::Attribute, sig: &syn::Signature) -> Option<RouteAttr> {
    let path = attr.path();
    let last = path.segments.last()?.ident.to_string();
    // `#[get(..)]` or `#[rocket::get(..)]`.
    if path.segments.len() > 1 && path.segments.first()?.ident != "rocket" {
        return None;
    }
    let method = METHODS.iter().find(|(n, _)| *n == last)?.1.to_string();
    let args = attr
        .parse_args_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.iter();
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(uri),
        ..
    }) = args.next()?
    else {
        return None;
    };
    let (mut rank, mut format) = (None, None);
    for arg in args {
        let syn::Expr::Assign(a) = arg else { continue };
        let syn::Expr::Path(key) = &*a.left else {
            continue;
        };
        let value = match &*a.right {
            syn::Expr::Lit(l) => &l.lit,
            syn::Expr::Unary(u) => match (&u.op, &*u.expr) {
                (
                    syn::UnOp::Neg(_),
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(i),
                        ..
                    }),
                ) => {
                    rank = i.base10_parse::<i64>().ok().map(|n| -n);
                    continue;
                }
                _ => return None,
            },
            // A rank or format that is not a literal: nothing is known.
            _ => return None,
        };
        if key.path.is_ident("rank") {
            let syn::Lit::Int(i) = value else { return None };
            rank = Some(i.base10_parse().ok()?);
        } else if key.path.is_ident("format") {
            let syn::Lit::Str(f) = value else { return None };
            format = Some(f.value());
        }
    }
    let params = sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    Some(RouteAttr {
        method,
        uri: uri.value(),
        span: uri.span(),
        rank,
        format,
        params,
    })
}

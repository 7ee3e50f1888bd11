//! The binary's command line: `token` mints a verifiable token, and the
//! server refuses to start off loopback without a secret.

use scope_gateway::auth::unix_now;
use scope_gateway::TokenSigner;
use std::process::Command;

const SECRET: &str = "cli-test-secret-0123456789abcdef";

#[test]
fn token_subcommand_mints_a_verifiable_token() {
    let out = Command::new(env!("CARGO_BIN_EXE_scope-gateway"))
        .args(["token", "--user", "alice", "--ttl", "3600"])
        .env("SCOPE_GATEWAY_SECRET", SECRET)
        .output()
        .expect("run scope-gateway token");
    assert!(out.status.success(), "{out:?}");
    let token = String::from_utf8(out.stdout).expect("utf8");
    let claims = TokenSigner::new(SECRET)
        .verify(token.trim())
        .expect("token verifies with the configured secret");
    assert_eq!(claims.user_id, "alice");
    let now = unix_now();
    assert!(claims.expires_at > now + 3500 && claims.expires_at <= now + 3601);
    // A different secret rejects it.
    assert!(TokenSigner::new("another-secret-0123456789")
        .verify(token.trim())
        .is_err());
}

#[test]
fn token_subcommand_rejects_bad_user_ids() {
    let out = Command::new(env!("CARGO_BIN_EXE_scope-gateway"))
        .args(["token", "--user", "a:b c", "--ttl", "60"])
        .env("SCOPE_GATEWAY_SECRET", SECRET)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn non_loopback_bind_requires_a_secret() {
    let out = Command::new(env!("CARGO_BIN_EXE_scope-gateway"))
        .args(["--bind", "0.0.0.0:0"])
        .env_remove("SCOPE_GATEWAY_SECRET")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("secret is required"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_scope-gateway"))
        .args(["serve", "--bind", "0.0.0.0:0", "--secret", "short"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

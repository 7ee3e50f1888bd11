//! Intentionally empty: this package exists only for its dependency closure.

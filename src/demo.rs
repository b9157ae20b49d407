//! The demo company.

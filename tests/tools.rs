//! The tools the ignored tests need (see tests/common/mod.rs). Under CI=true a missing one is a
//! failure even when the tests that need it are not run; elsewhere this lists what is missing.

mod common;

#[test]
fn under_ci_every_tool_the_ignored_tests_need_is_installed() {
    let missing: Vec<String> = common::tools()
        .into_iter()
        .filter(|(_, _, present)| !present)
        .map(|(name, from, _)| format!("{name} ({from})"))
        .collect();
    if common::required() {
        assert!(
            missing.is_empty(),
            "CI=true and these are missing (scripts/test installs them): {}",
            missing.join(", ")
        );
    } else if !missing.is_empty() {
        eprintln!(
            "not CI: the tests that need these cannot run here: {}",
            missing.join(", ")
        );
    }
}

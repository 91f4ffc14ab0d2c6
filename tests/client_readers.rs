//! The client table's claims about which drivers refuse a file before connecting, checked on
//! the drivers' own readers: PyMySQL (the current release and Debian's 1.0.2), asyncmy and
//! aiomysql parse the file with Python's strict configparser and decode it as UTF-8;
//! mysql-connector-python decodes it as UTF-8 and accepts repeated groups and keys.
//!
//! For each fixture in `fixtures/readers`, add-ca's table (`--format json`) says which families
//! refuse the file as it will be; each driver then connects with that file to a closed port on
//! 127.0.0.1. A driver that gets as far as the connection accepted the file; one that fails
//! before refused it. The two must agree for every driver and fixture.
//!
//! Ignored by default (the drivers come from PyPI and Debian); scripts/test installs them.

mod common;

use std::path::{Path, PathBuf};

/// The drivers: family id in add-ca's table, the Python that has it, the module, and the call
/// that connects with only the option file (its path in `f`).
const DRIVERS: &[(&str, Interpreter, &str, &str)] = &[
    (
        "pymysql",
        Interpreter::Venv,
        "pymysql",
        "pymysql.connect(read_default_file=f, connect_timeout=5)",
    ),
    (
        "pymysql_old",
        Interpreter::Debian,
        "pymysql",
        "pymysql.connect(read_default_file=f, connect_timeout=5)",
    ),
    (
        "asyncmy",
        Interpreter::Venv,
        "asyncmy",
        "asyncio.run(asyncmy.connect(read_default_file=f, connect_timeout=5))",
    ),
    (
        "aiomysql",
        Interpreter::Venv,
        "aiomysql",
        "asyncio.run(aiomysql.connect(read_default_file=f, connect_timeout=5))",
    ),
    (
        "connector_python",
        Interpreter::Venv,
        "mysql.connector",
        "mysql.connector.connect(option_files=f, use_pure=True, connection_timeout=5)",
    ),
];

#[derive(Clone, Copy)]
enum Interpreter {
    /// The test venv ($MYCNF_TEST_PYTHON or .venv).
    Venv,
    /// Debian's python3, with Debian's python3-pymysql.
    Debian,
}

fn python(which: Interpreter, module: &str) -> PathBuf {
    let found = match which {
        Interpreter::Venv => common::find_venv_python_with(module),
        Interpreter::Debian => common::find_debian_python_with(module),
    };
    found.unwrap_or_else(|| {
        common::missing(
            &format!("the Python module {module}"),
            match which {
                Interpreter::Venv => "scripts/test installs it in .venv",
                Interpreter::Debian => "install python3-pymysql",
            },
        )
    })
}

/// `accepted` when the driver got as far as connecting (to a closed port), else
/// `refused: <error>`.
fn driver_reads(py: &Path, module: &str, call: &str, file: &Path) -> String {
    let script = format!(
        "import sys, asyncio, {module}\n\
         f = sys.argv[1]\n\
         try:\n    {call}\n    print('connected')\n\
         except Exception as e:\n\
         \x20   text = str(e)\n\
         \x20   if '2003' in text or \"Can't connect\" in text or 'Connection refused' in text:\n\
         \x20       print('accepted')\n\
         \x20   else:\n\
         \x20       print('refused:', type(e).__name__, text.splitlines()[0] if text else '')\n"
    );
    let out = common::clean_command(py, file.parent().unwrap())
        .args(["-c", &script])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{module} did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
#[ignore = "needs PyMySQL, asyncmy, aiomysql, mysql-connector-python (.venv) and python3-pymysql; scripts/test installs them and runs it"]
fn drivers_refuse_exactly_the_files_the_client_table_says_they_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::copy(common::fixtures().join("certs/demo-ca.pem"), &ca).unwrap();
    let mut mismatches = Vec::new();
    let mut refusals = 0;
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(common::fixtures().join("readers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    for fixture in &fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let file = dir.path().join(&name);
        std::fs::copy(fixture, &file).unwrap();
        let out = common::clean_command(&common::ours(), dir.path())
            .args(["add-ca", ca.to_str().unwrap(), "--file"])
            .arg(&file)
            .args(["--yes", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        for (family, which, module, call) in DRIVERS {
            let row = report["clients"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["family"] == *family)
                .unwrap_or_else(|| panic!("no {family} row"));
            let table_refuses = row["level"] == "broken";
            let did = driver_reads(&python(*which, module), module, call, &file);
            let refused = did.starts_with("refused");
            refusals += usize::from(refused);
            if refused != table_refuses {
                mismatches.push(format!(
                    "{name}: {family}: the table says {:?}, the driver: {did}",
                    row["summary"]
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // The fixtures are chosen so that each kind of refusal happens at least once.
    assert!(
        refusals >= 3,
        "only {refusals} refusals: the fixtures lost their point"
    );
}

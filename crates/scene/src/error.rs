use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a document: where (a JSON path such as `scenes[0].layers[2].source`),
/// what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (fix: {})", self.path, self.message, self.fix)
    }
}

/// Why a document could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: the file is {} MB, over the {} MB a document may have; check that it is a scene \
         collection or profile (a real one is a few kilobytes)",
        file.display(), size / 1_000_000, limit / 1_000_000
    )]
    TooLarge {
        file: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: at `{path}`{}: {message}", file.display(), place(*line, *column))]
    Parse {
        file: PathBuf,
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {} problem(s):\n{}", file.display(), problems.len(), list(problems))]
    Invalid {
        file: PathBuf,
        problems: Vec<Problem>,
    },
}

/// Where in the text, when known (a branded collection is checked after its references are
/// resolved, away from its text).
fn place(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" (line {line}, column {column})")
    }
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

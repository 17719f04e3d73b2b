//! Fingerprints the migration sources (`MIGRATIONS_FINGERPRINT`), so test
//! templates built from an edited migration are not mistaken for current ones.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=src");
    let mut files: Vec<_> = fs::read_dir(Path::new("src"))
        .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    // FNV-1a over every file's name and contents: stable across builds and toolchains.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let body = fs::read(&file).unwrap_or_default();
        for byte in name.as_bytes().iter().chain(&body) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo::rustc-env=MIGRATIONS_FINGERPRINT={hash:016x}");
}

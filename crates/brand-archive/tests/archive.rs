//! Kit archives: export then import gives the same kit and files; hostile archives are
//! refused with nothing written outside (or inside) the target folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use streamwerk_brand_archive::{export, import, ArchiveError};
use streamwerk_scene::load_brand;
use zip::write::SimpleFileOptions;

fn demo_kit() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test"))
        .join("../../assets/brand/streamwerk.brand.json")
}

/// Everything under `dir`, as sorted relative paths.
fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            found.push(p.strip_prefix(dir).unwrap().display().to_string());
            if entry.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn an_exported_kit_imports_as_the_same_kit_with_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("streamwerk-kit.zip");
    assert_eq!(
        export(&demo_kit(), &zip).unwrap(),
        4,
        "two fonts, two logos"
    );
    let kit_file = import(&zip, &dir.path().join("imported")).unwrap();
    let original = load_brand(&demo_kit()).unwrap();
    let imported = load_brand(&kit_file).unwrap();
    assert_eq!(imported.colors, original.colors);
    assert_eq!(imported.defaults, original.defaults);
    assert_eq!(imported.name, original.name);
    for (group, a, b) in [
        ("fonts", &original.fonts, &imported.fonts),
        ("logos", &original.logos, &imported.logos),
    ] {
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (name, path) in b {
            assert!(path.is_relative() && path.starts_with(group), "{path:?}");
            let from = std::fs::read(demo_kit().parent().unwrap().join(&a[name])).unwrap();
            let to = std::fs::read(kit_file.parent().unwrap().join(path)).unwrap();
            assert!(from == to, "{group}.{name} differs after the round trip");
        }
    }
    // Exporting again over the archive is refused.
    let again = export(&demo_kit(), &zip).unwrap_err().to_string();
    assert!(again.contains("exists; choose another name"), "{again}");
}

/// An archive with the demo kit's document plus `extra` members written by `add`.
fn archive(
    dir: &Path,
    name: &str,
    add: impl FnOnce(&mut zip::ZipWriter<std::fs::File>),
) -> PathBuf {
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = SimpleFileOptions::default();
    zip.start_file("kit.brand.json", options).unwrap();
    zip.write_all(br##"{"schema_version":1,"name":"K","colors":{"primary":"#000000","accent":"#FFFFFF","text":"#FFFFFF"}}"##)
        .unwrap();
    add(&mut zip);
    zip.finish().unwrap();
    path
}

fn refused(dir: &Path, zip: &Path) -> String {
    let into = dir.join("target-folder");
    let before = tree(dir);
    let err = import(zip, &into).unwrap_err();
    assert!(
        matches!(
            err,
            ArchiveError::Hostile { .. } | ArchiveError::Refused { .. }
        ),
        "{err:?}"
    );
    assert!(!into.exists(), "the target folder was left behind");
    assert_eq!(tree(dir), before, "something was written");
    assert!(!Path::new("/tmp/streamwerk-evil").exists());
    err.to_string()
}

#[test]
fn hostile_archives_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let options = SimpleFileOptions::default();
    let member = |name: &'static str| {
        move |zip: &mut zip::ZipWriter<std::fs::File>| {
            zip.start_file(name, options).unwrap();
            zip.write_all(b"x").unwrap();
        }
    };
    let absolute = archive(d, "absolute.zip", member("/tmp/streamwerk-evil"));
    let err = refused(d, &absolute);
    assert!(
        err.contains("member `/tmp/streamwerk-evil` has an absolute path or `..`"),
        "{err}"
    );

    let dotdot = archive(d, "dotdot.zip", member("logos/../../streamwerk-evil"));
    let err = refused(d, &dotdot);
    assert!(
        err.contains("`logos/../../streamwerk-evil` has an absolute path or `..`"),
        "{err}"
    );

    let link = archive(d, "link.zip", |zip| {
        zip.add_symlink("logos/logo.png", "/etc/passwd", options)
            .unwrap();
    });
    let err = refused(d, &link);
    assert!(err.contains("`logos/logo.png` is a link"), "{err}");

    // 40 MB of zeros packs into a few kilobytes: a bomb, refused from its header.
    let bomb = archive(d, "bomb.zip", |zip| {
        let deflated = options.compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("logos/huge.png", deflated).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..40 {
            zip.write_all(&zeros).unwrap();
        }
    });
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let err = refused(d, &bomb);
    assert!(
        err.contains("`logos/huge.png` unpacks to 40 MB, over the 32 MB"),
        "{err}"
    );

    let crowd = archive(d, "crowd.zip", |zip| {
        for i in 0..300 {
            zip.start_file(format!("logos/{i}.png"), options).unwrap();
        }
    });
    let err = refused(d, &crowd);
    assert!(
        err.contains("301 members, over the 256 a kit may have"),
        "{err}"
    );

    let not_zip = d.join("not.zip");
    std::fs::write(&not_zip, "hello").unwrap();
    let err = import(&not_zip, &d.join("x")).unwrap_err().to_string();
    assert!(err.contains("not a readable zip archive"), "{err}");
    assert!(!d.join("x").exists());
}

#[test]
fn a_kit_naming_files_outside_its_folder_is_refused_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let zip = archive(dir.path(), "outside.zip", |_| {});
    // A well-formed archive whose kit reaches out of its folder.
    let path = dir.path().join("reach.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    w.start_file("kit.brand.json", SimpleFileOptions::default())
        .unwrap();
    let own = demo_kit()
        .parent()
        .unwrap()
        .join("../logos/streamwerk-logo.png");
    let text = format!(
        r##"{{"schema_version":1,"name":"K","colors":{{"primary":"#000000","accent":"#FFFFFF","text":"#FFFFFF"}},"logos":{{"logo":"{}"}}}}"##,
        own.display()
    );
    w.write_all(text.as_bytes()).unwrap();
    w.finish().unwrap();
    let err = refused(dir.path(), &path);
    assert!(
        err.contains("the kit's `logo` names") && err.contains("outside the kit's folder"),
        "{err}"
    );
    // The plain one imports, into an empty folder only.
    let into = dir.path().join("kit");
    import(&zip, &into).unwrap();
    let err = import(&zip, &into).unwrap_err().to_string();
    assert!(
        err.contains("is not empty; import into a new folder"),
        "{err}"
    );
}

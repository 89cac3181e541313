import Foundation

/// Visits a folder tree depth-first, one folder at a time, in byte order of the names.
///
/// Each step yields a folder and the names of the regular files directly in it, sorted by their
/// UTF-8 bytes (so the order does not depend on the file system or the locale). Names starting
/// with "." are skipped, files and folders alike. Only the listings of the folders on the path
/// from the root to the current one are held, so memory follows the tree's depth and the width
/// of one folder, not the number of files below it (plus the set of folders visited).
/// Symbolic links are followed, but a folder reached a second time (a link back to an ancestor,
/// two links to one split) is not walked again.
struct DirectoryWalk: Sequence, IteratorProtocol {
  /// One visited folder.
  struct Folder {
    /// The folder's path (the root as given, then root/sub/...).
    var path: String
    /// Its path relative to the root, "" for the root itself.
    var relativePath: String
    /// Names of the regular files in it, byte-sorted.
    var files: [String]
  }

  /// Folders waiting to be listed, deepest last, each with its relative path.
  private var pending: [(path: String, relative: String)]
  /// Folders walked so far, by their path with symbolic links resolved.
  private var visited: Set<String> = []

  /// Starts a walk at `root`.
  init(root: String) { pending = [(root, "")] }

  /// Walks on to the first folder for which `pick` finds something, returning the folder and
  /// what was found, or nil when no folder below the root has any.
  mutating func first<T>(_ pick: (Folder) -> [T]) -> (folder: Folder, found: [T])? {
    while let f = next() {
      let found = pick(f)
      if !found.isEmpty { return (f, found) }
    }
    return nil
  }

  mutating func next() -> Folder? {
    var path = ""
    var relative = ""
    repeat {
      guard let top = pending.popLast() else { return nil }
      (path, relative) = top
    } while !visited.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().path).inserted
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
      .filter { !$0.hasPrefix(".") }
      .sorted(by: Self.byteOrder)
    var files: [String] = []
    var folders: [String] = []
    for name in names {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDir) else {
        continue
      }
      if isDir.boolValue { folders.append(name) } else { files.append(name) }
    }
    // Pushed in reverse so that the byte-first subfolder is visited next.
    for name in folders.reversed() {
      pending.append((path + "/" + name, relative.isEmpty ? name : relative + "/" + name))
    }
    return Folder(path: path, relativePath: relative, files: files)
  }

  /// Orders strings by their UTF-8 bytes.
  static func byteOrder(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
  }
}

import Foundation

/// Keeps freed audio buffers in the process instead of handing them back to the kernel, so the
/// next output's buffers reuse pages that are already mapped.
///
/// Every output allocates a handful of buffers of its own length (hundreds of KiB to a few
/// MiB). glibc's malloc serves blocks above its mmap threshold (128 KiB at first, then adapted
/// to the largest block freed) with a fresh `mmap` and returns them with `munmap`, and it trims
/// the heap top back to the kernel beyond its trim threshold. With utterances of varied length
/// the adaptive threshold never settles, so each output page-faults (and zero-fills) its
/// buffers anew: measured on a 3–15 s corpus, 37,000 minor faults and about 15 % of a kernel
/// pipeline's CPU time, against 4,700 faults with the thresholds fixed high. Peak memory is
/// unchanged (it is the largest working set either way); only the give-back is deferred.
/// Elsewhere than glibc this does nothing.
enum HeapTuning {
  /// Blocks up to this size come from the heap, not from their own mmap.
  static let mmapThresholdBytes: Int32 = 32 << 20
  /// Free memory at the heap top is returned to the kernel only beyond this.
  static let trimThresholdBytes: Int32 = 512 << 20

  /// Applies the thresholds once per process (idempotent, thread-safe through `static let`).
  static func keepFreedPages() { _ = applied }

  private static let applied: Bool = {
    #if os(Linux) && canImport(Glibc)
      // <malloc.h> is not in Swift's Glibc module: M_TRIM_THRESHOLD is −1 and M_MMAP_THRESHOLD
      // −3 in glibc's stable ABI.
      return glibcMallopt(-3, mmapThresholdBytes) == 1 && glibcMallopt(-1, trimThresholdBytes) == 1
    #else
      return false
    #endif
  }()
}

#if os(Linux) && canImport(Glibc)
  /// glibc's `int mallopt(int param, int value)`.
  @_silgen_name("mallopt")
  private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif

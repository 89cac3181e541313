// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "audioamp",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "audioamp", targets: ["audioamp"]),
    .library(name: "AudioAmpKit", targets: ["AudioAmpKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CFFTW3", pkgConfig: "fftw3f",
      providers: [.apt(["libfftw3-dev"]), .brew(["fftw"])]),
    .systemLibrary(
      name: "CSampleRate", pkgConfig: "samplerate",
      providers: [.apt(["libsamplerate0-dev"]), .brew(["libsamplerate"])]),
    .systemLibrary(
      name: "CSndFile", pkgConfig: "sndfile",
      providers: [.apt(["libsndfile1-dev"]), .brew(["libsndfile"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .systemLibrary(
      name: "CArchive", pkgConfig: "libarchive",
      providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]),
    .systemLibrary(
      name: "COpus", pkgConfig: "opus",
      providers: [.apt(["libopus-dev"]), .brew(["opus"])]),
    // libgsm ships no pkg-config file on Debian; the module map links -lgsm directly.
    .systemLibrary(
      name: "CGSM",
      providers: [.apt(["libgsm1-dev"]), .brew(["libgsm"])]),
    .systemLibrary(
      name: "COpenCoreAMR", pkgConfig: "opencore-amrnb",
      providers: [.apt(["libopencore-amrnb-dev"]), .brew(["opencore-amr"])]),
    .systemLibrary(
      name: "CEspeakNG", pkgConfig: "espeak-ng",
      providers: [.apt(["libespeak-ng-dev"]), .brew(["espeak-ng"])]),
    // Resampler inner loops in C: baseline x86-64 and AVX in one binary, same bits (see its header).
    .target(name: "CKernels"),
    .target(
      name: "AudioAmpKit",
      dependencies: [
        "CKernels", "CFFTW3", "CSampleRate", "CSndFile", "CZlib", "CArchive", "COpus", "CGSM", "COpenCoreAMR", "CEspeakNG", "Yams",
      ]),
    .executableTarget(
      name: "audioamp",
      dependencies: [
        "AudioAmpKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "audioamp-bench",
      dependencies: [
        "AudioAmpKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Fuzz targets (scripts/fuzz.sh builds them with -sanitize=fuzzer,address and
    // -DAUDIOAMP_FUZZ); a plain build gives a driver that replays saved inputs.
    .executableTarget(name: "audioamp-fuzz", dependencies: ["AudioAmpKit"]),
    // Test helpers shared by both suites (finding the Python peer tools, running them).
    .target(name: "AudioAmpTestSupport", path: "Tests/Support"),
    .testTarget(name: "AudioAmpKitTests", dependencies: ["AudioAmpKit", "CKernels", "CSampleRate", "AudioAmpTestSupport"]),
    .testTarget(name: "audioampTests", dependencies: ["AudioAmpKit", "AudioAmpTestSupport"]),
  ],
  swiftLanguageModes: [.v5]
)

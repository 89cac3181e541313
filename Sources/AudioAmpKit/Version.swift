/// The audioamp version.
public enum AudioAmpVersion {
  /// Semantic version of this build.
  public static let string = "0.1.0"
}

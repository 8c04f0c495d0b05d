package io.fenceq.local.template.internal;

/**
 * Where in a template a value sits, for error messages: the owner ({@code resource WorkQueue},
 * {@code output WorkQueueUrl}, {@code condition IsProd}) and the property path below it ({@code
 * RedrivePolicy.deadLetterTargetArn}).
 */
public record Site(String owner, String path) {

  /** The top of a resource's {@code Properties}. */
  public static Site resource(String logicalId) {
    return new Site("resource " + logicalId, "");
  }

  /** An output's {@code Value}. */
  public static Site output(String name) {
    return new Site("output " + name, "");
  }

  /** A named condition. */
  public static Site condition(String name) {
    return new Site("condition " + name, "");
  }

  /** The property {@code key} below this site. */
  public Site at(String key) {
    return new Site(owner, path.isEmpty() ? key : path + "." + key);
  }

  /** The list element {@code index} below this site. */
  public Site at(int index) {
    return new Site(owner, path + "[" + index + "]");
  }

  @Override
  public String toString() {
    return path.isEmpty() ? owner : owner + ", property " + path;
  }
}

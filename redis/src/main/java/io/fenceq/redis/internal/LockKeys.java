package io.fenceq.redis.internal;

/**
 * The two keys of one lock, {@code <prefix>{<name>}:lock} and {@code <prefix>{<name>}:fence}. The
 * hash tag {@code {<name>}} puts both in one slot of a Redis cluster (ElastiCache cluster mode), as
 * a script touching both requires. Neither prefix nor name may hold a brace (the lock checks), so
 * the tag is exactly the name: a name starting with '}' would make the tag empty and the keys'
 * slots differ.
 */
public record LockKeys(String lock, String fence) {
  public static LockKeys of(String prefix, String name) {
    String tagged = prefix + "{" + name + "}";
    return new LockKeys(tagged + ":lock", tagged + ":fence");
  }
}

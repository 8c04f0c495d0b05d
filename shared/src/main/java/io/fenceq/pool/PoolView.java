package io.fenceq.pool;

import io.fenceq.ring.MemberRing;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One worker's view of its pool: the live members and the ring over them.
 *
 * @param self this worker's member id
 * @param members the live members, this one included while its own registration holds
 * @param ring the ring over {@code members}; empty when no member is live
 */
public record PoolView(String self, SortedSet<String> members, Optional<MemberRing> ring) {

  public PoolView {
    Objects.requireNonNull(self, "self");
    members = Collections.unmodifiableSortedSet(new TreeSet<>(members));
    Objects.requireNonNull(ring, "ring");
  }

  /** The live member that owns {@code key}, if any member is live. */
  public Optional<String> ownerOf(String key) {
    return ring.map(r -> r.memberFor(key));
  }

  /** Whether this worker owns {@code key} in this view. */
  public boolean owns(String key) {
    return ownerOf(key).map(self::equals).orElse(false);
  }
}

package io.fenceq.lease;

/**
 * Told when a {@link LeaderElector} gains or loses leadership. Called on the elector's renewal
 * thread (or the thread of {@link LeaderElector#runIfLeader}), one call at a time; a listener that
 * throws is logged and does not stop the elector. Keep it quick: start or stop work elsewhere.
 */
public interface LeadershipListener {
  /**
   * Leadership was granted with {@code fence}; every write made as leader must carry it.
   *
   * @param fence the fence of the grant, larger than any earlier leader's
   */
  void gained(long fence);

  /**
   * Leadership ended: a renewal was refused, the lease ran out before it could be renewed, or the
   * elector was closed. Stop acting as leader at once; a newer leader may already be acting.
   *
   * @param reason a complete sentence, naming the lease and, when known, the new holder and fence
   */
  void lost(String reason);

  /** A listener that ignores both events. */
  static LeadershipListener none() {
    return new LeadershipListener() {
      @Override
      public void gained(long fence) {}

      @Override
      public void lost(String reason) {}
    };
  }
}

package io.fenceq.redis;

import io.fenceq.FenceqException;

/**
 * Redis could not answer a lock operation (a timeout, a lost connection, a script error). The
 * message names the lock and, once minted, the fence. The outcome is unknown: an acquire may have
 * minted a fence and set the lock, which then expires by its TTL.
 */
public final class RedisLockException extends FenceqException {
  public RedisLockException(String message, Throwable cause) {
    super(message, cause);
  }
}

/** The fenced Redis lock's scripts and key layout; used by {@code io.fenceq.redis} only. */
package io.fenceq.redis.internal;
